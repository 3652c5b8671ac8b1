package io.github.distlock.it.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.core.LockKeys;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application that already talks to Redis through {@code spring.data.redis.*} gets
 * Redis locks with {@code distlock.backend: redis} and nothing else: the backend uses the
 * same connection settings, ACL user and password included. Credentials or permissions
 * Redis refuses stop the application at startup, with a failure analysis naming what to
 * fix. Locks still held when the application stops are released, although Spring Data
 * Redis shuts its own client down before.
 */
@ExtendWith({ RealServersExtension.class, OutputCaptureExtension.class })
class RedisApplicationIT {

	private static final String APP_USER = "--user";

	private static final String[] APP_CREDENTIALS = { "spring.data.redis.username=app",
			"spring.data.redis.password=s3cret" };

	@Test
	void aclUserWithPasswordFromSpringDataRedisPropertiesHoldsLocks(@Dedicated(args = { APP_USER, "app", "on",
			">s3cret", "~*", "&*", "+@all", "--user", "default", "off" }) RedisServer redis) {
		try (ConfigurableApplicationContext context = application(redis, APP_CREDENTIALS)
			.properties("distlock.redis.key-prefix=orders-locks")
			.run()) {
			LockTemplate locks = context.getBean(LockTemplate.class);
			try (Lease lease = locks.acquire("order:1", LockOptions.ttl(Duration.ofSeconds(10)));
					Operator operator = Operator.connect(redis, "app", "s3cret")) {
				assertThat(lease.fencingToken()).isPositive();
				assertThat(operator.connection().sync().exists("orders-locks:{" + LockKeys.encode("order:1") + "}"))
					.isEqualTo(1);
			}
		}
	}

	@Test
	void wrongPasswordFailsStartupNamingTheProperties(@Dedicated(args = { APP_USER, "app", "on", ">s3cret", "~*", "&*",
			"+@all", "--user", "default", "off" }) RedisServer redis, CapturedOutput output) {
		SpringApplicationBuilder application = application(redis, "spring.data.redis.username=app",
				"spring.data.redis.password=wrong");
		assertThatThrownBy(() -> application.run().close()).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("WRONGPASS")
			.contains("spring.data.redis.username and spring.data.redis.password");
	}

	@Test
	void userWithoutAccessToTheReleaseChannelFailsStartupNamingThePermission(@Dedicated(args = { APP_USER, "app", "on",
			">s3cret", "~*", "resetchannels", "+@all", "--user", "default", "off" }) RedisServer redis,
			CapturedOutput output) throws IOException {
		assertThatThrownBy(() -> application(redis, APP_CREDENTIALS).run().close()).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("NOPERM")
			.as("the ACL the failure suggests is the README's")
			.contains("ACL SETUSER <user> " + String.join(" ", readmeMinimalAcl()));
	}

	@Test
	void theMinimalAclOfTheReadmeIsEnoughToLockWaitAndRelease(@Dedicated RedisServer redis) throws Exception {
		try (Operator admin = Operator.connect(redis, null, null)) {
			CommandArgs<String, String> setUser = new CommandArgs<>(StringCodec.UTF8).add("SETUSER")
				.add("app")
				.add("on")
				.add(">s3cret");
			readmeMinimalAcl().forEach(setUser::add);
			admin.connection().sync().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), setUser);
			ExecutorService pool = Executors.newSingleThreadExecutor();
			try (ConfigurableApplicationContext first = application(redis, APP_CREDENTIALS).run();
					ConfigurableApplicationContext second = application(redis, APP_CREDENTIALS).run()) {
				Lease held = first.getBean(LockTemplate.class)
					.acquire("order:3", LockOptions.ttl(Duration.ofSeconds(10)));
				LockTemplate other = second.getBean(LockTemplate.class);
				Future<Long> waited = pool.submit(() -> {
					try (Lease lease = other.acquire("order:3",
							LockOptions.ttl(Duration.ofSeconds(10)).withWaitTime(Duration.ofSeconds(30)))) {
						return lease.fencingToken();
					}
				});
				String waiters = "distlock:{" + LockKeys.encode("order:3") + "}:waiters";
				Awaitility.await()
					.atMost(Duration.ofSeconds(20))
					.until(() -> admin.connection().sync().zcard(waiters) == 1);
				held.release();
				assertThat(waited.get(30, TimeUnit.SECONDS)).isGreaterThan(held.fencingToken());
			}
			finally {
				pool.shutdownNow();
			}
		}
	}

	/** The rules of the README's minimal ACL, so that the README cannot drift from it. */
	private static List<String> readmeMinimalAcl() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		Matcher acl = Pattern.compile("A minimal ACL: `([^`]+)`").matcher(readme);
		assertThat(acl.find()).as("README.md has a minimal ACL").isTrue();
		return List.of(acl.group(1).trim().split("\\s+"));
	}

	@Test
	void locksStillHeldWhenTheApplicationStopsAreReleased(RedisServer redis) {
		String lockKey;
		try (ConfigurableApplicationContext context = application(redis).run()) {
			Lease lease = context.getBean(LockTemplate.class)
				.acquire("order:2", LockOptions.ttl(Duration.ofMinutes(5)));
			assertThat(lease.isHeld()).isTrue();
			lockKey = "distlock:{" + LockKeys.encode("order:2") + "}";
		}
		try (Operator operator = Operator.connect(redis, null, null)) {
			assertThat(operator.connection().sync().exists(lockKey)).as("released at shutdown, not left to its ttl")
				.isZero();
		}
	}

	private static SpringApplicationBuilder application(RedisServer redis, String... properties) {
		return new SpringApplicationBuilder(RedisApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=redis",
					"spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"spring.data.redis.timeout=5s")
			.properties(properties);
	}

	/**
	 * A plain Lettuce connection as {@code user}, to look at what distlock wrote.
	 */
	private record Operator(RedisClient client,
			StatefulRedisConnection<String, String> connection) implements AutoCloseable {

		static Operator connect(RedisServer redis, String username, String password) {
			RedisURI.Builder uri = RedisURI.builder().withHost(redis.host()).withPort(redis.port());
			if (username != null) {
				uri.withAuthentication(username, password);
			}
			RedisClient client = RedisClient.create(uri.build());
			return new Operator(client, client.connect());
		}

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}

	}

	/**
	 * The application: what it imports is what a Boot application with
	 * spring-boot-starter-data-redis and distlock would auto-configure for locks.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class,
			DistlockAutoConfiguration.class })
	static class RedisApplication {

	}

}
