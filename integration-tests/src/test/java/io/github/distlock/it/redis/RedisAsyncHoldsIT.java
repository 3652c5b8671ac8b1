package io.github.distlock.it.redis;

import java.time.Duration;

import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.it.contract.ReactiveHoldContractTests;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * Asynchronous holds ({@code CompletionStage}, {@code Mono}, {@code Flux}) on a real
 * {@code redis-server}; lock entries are the {@code <prefix>:{key}} keys.
 */
@ExtendWith(RealServersExtension.class)
class RedisAsyncHoldsIT extends ReactiveHoldContractTests {

	private static final String KEY_PREFIX = "distlock-async";

	private static RedisServer redis;

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> operator;

	@BeforeAll
	static void connect(RedisServer server) {
		redis = server;
		client = RedisClient.create(server.uri());
		operator = client.connect();
	}

	@AfterAll
	static void disconnect() {
		operator.close();
		client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

	@Override
	protected String[] backendProperties() {
		return new String[] { "distlock.backend=redis", "spring.data.redis.host=" + redis.host(),
				"spring.data.redis.port=" + redis.port(), "spring.data.redis.timeout=5s",
				"distlock.redis.key-prefix=" + KEY_PREFIX };
	}

	@Override
	protected Class<?> backendAutoConfiguration() {
		return RedisBackend.class;
	}

	@Override
	protected int lockEntriesOnServer(String prefix) {
		return operator.sync().keys(KEY_PREFIX + ":{" + prefix + "*}").size();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class })
	static class RedisBackend {

	}

}
