package io.github.distlock.it.redis;

import java.time.Duration;

import io.github.distlock.backend.redis.RedisKeyspace;
import io.github.distlock.backend.redis.RedisLockBackend;
import io.github.distlock.it.contract.LockBackendContractTests;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import io.github.distlock.spi.LockBackend;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis backend passes the contract against a real {@code redis-server}. Every client
 * is its own backend with its own connections; the server drops a lock the way an
 * operator would, with {@code DEL}.
 */
@ExtendWith(RealServersExtension.class)
class RedisBackendContractIT extends LockBackendContractTests {

	private static final RedisKeyspace KEYSPACE = new RedisKeyspace("distlock-contract");

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> operator;

	@BeforeAll
	static void connect(RedisServer redis) {
		client = RedisClient.create(redis.uri());
		operator = client.connect();
	}

	@AfterAll
	static void disconnect() {
		operator.close();
		client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

	@Override
	protected LockBackend newClient() {
		return RedisLockBackend.connect(client, KEYSPACE, Duration.ofSeconds(5));
	}

	@Override
	protected void forceLoss(LockBackend holder, String encodedKey) {
		assertThat(operator.sync().del(KEYSPACE.lockKey(encodedKey))).isEqualTo(1);
	}

}
