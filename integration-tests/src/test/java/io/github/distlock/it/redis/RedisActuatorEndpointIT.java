package io.github.distlock.it.redis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockKeys;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/distlock} over HTTP on a real Redis: what operators see of a held lock
 * (owner, acquisition, renewals) and of recent losses, and the write operation that frees
 * a stuck lock, which exists only when {@code management.endpoint.distlock.access} grants
 * it, tells the holder first and then releases the lock for other instances.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(120)
class RedisActuatorEndpointIT {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void withoutGrantedAccessTheWriteOperationDoesNotExist(RedisServer redis) throws Exception {
		try (ConfigurableApplicationContext context = application(redis).run();
				Lease lease = context.getBean(LockTemplate.class)
					.acquire("stuck:1", LockOptions.ttl(Duration.ofSeconds(60)))) {
			HttpResponse<String> answer = post(context, "{\"fencingToken\": " + lease.fencingToken() + "}");
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(405);
			assertThat(lease.isHeld()).isTrue();
			assertThat(get(context).body()).contains("\"fencingToken\":" + lease.fencingToken());
		}
	}

	@Test
	void anOperatorFreesAStuckLockAndItsHolderIsToldBeforeItIsReleased(RedisServer redis) throws Exception {
		String redisKey = "distlock:{" + LockKeys.encode("stuck:2") + "}";
		List<String> toldHolder = new CopyOnWriteArrayList<>();
		try (ConfigurableApplicationContext context = application(redis,
				"management.endpoint.distlock.access=unrestricted")
			.run();
				ConfigurableApplicationContext other = application(redis).run();
				Operator operator = Operator.connect(redis)) {
			Lease lease = context.getBean(LockTemplate.class)
				.acquire("stuck:2", LockOptions.ttl(Duration.ofSeconds(3)).withName("stuck"));
			lease.onLost(() -> toldHolder.add("held=" + lease.isHeld() + ", in Redis=" + operator.exists(redisKey)));
			DefaultLockTemplate locks = context.getBean(DefaultLockTemplate.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> locks.heldLocks().get(0).renewals() >= 1);
			String shown = get(context).body();
			assertThat(shown).contains("\"key\":\"******\"")
				.contains("\"name\":\"stuck\"")
				.contains("\"owner\":\"" + Thread.currentThread().getName() + "\"")
				.contains("\"acquiredAt\":")
				.contains("\"lastRenewal\":\"")
				.contains("\"recentLosses\":[]")
				.containsPattern("\"renewals\":[1-9]");

			HttpResponse<String> answer = post(context, "{\"fencingToken\": " + lease.fencingToken() + "}");

			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			assertThat(answer.body()).contains("\"fencingToken\":" + lease.fencingToken());
			assertThat(toldHolder).as("told while the lock was still in Redis")
				.containsExactly("held=false, in Redis=1");
			assertThat(operator.exists(redisKey)).as("then released").isZero();
			Optional<Lease> taken = other.getBean(LockTemplate.class)
				.tryAcquire("stuck:2", LockOptions.ttl(Duration.ofSeconds(60)).withWaitTime(Duration.ofSeconds(5)));
			assertThat(taken).isPresent();
			taken.get().release();
			assertThat(get(context).body()).contains("\"recentLosses\":[{")
				.contains("released by an operator through the distlock actuator endpoint")
				.contains("\"locks\":[]");
			lease.release();
		}
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context) throws Exception {
		return this.http.send(HttpRequest.newBuilder(endpoint(context)).timeout(Duration.ofSeconds(10)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(ConfigurableApplicationContext context, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(endpoint(context))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI endpoint(ConfigurableApplicationContext context) {
		return URI.create(
				"http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/actuator/distlock");
	}

	private static SpringApplicationBuilder application(RedisServer redis, String... properties) {
		return new SpringApplicationBuilder(WebApplication.class).web(WebApplicationType.SERVLET)
			.properties("spring.main.banner-mode=off", "server.port=0", "server.address=127.0.0.1",
					"distlock.backend=redis", "distlock.shutdown.grace-period=0s", "spring.cloud.consul.enabled=false",
					"management.endpoints.web.exposure.include=distlock", "spring.data.redis.host=" + redis.host(),
					"spring.data.redis.port=" + redis.port(), "spring.data.redis.timeout=5s")
			.properties(properties);
	}

	/**
	 * A plain Lettuce connection, to look at what distlock wrote.
	 */
	private record Operator(RedisClient client,
			StatefulRedisConnection<String, String> connection) implements AutoCloseable {

		static Operator connect(RedisServer redis) {
			RedisClient client = RedisClient
				.create(RedisURI.builder().withHost(redis.host()).withPort(redis.port()).build());
			return new Operator(client, client.connect());
		}

		long exists(String key) {
			return this.connection.sync().exists(key);
		}

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}

	}

	/**
	 * A web application with Actuator and distlock on Redis, auto-configured as a user's
	 * would be.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WebApplication {

	}

}
