package io.github.distlock.benchmarks.peers;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.distlock.benchmarks.harness.Contender;
import io.github.distlock.benchmarks.harness.Contender.Role;
import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.benchmarks.harness.TryLock;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * The Redis peers: Redisson's {@code RLock} with a fixed lease and with its watchdog,
 * Spring Integration's {@code RedisLockRegistry} and ShedLock's Spring Redis provider,
 * each instance with its own connection.
 */
final class RedisPeers {

	private static final long LEASE_SECONDS = 30;

	private static final long WAIT_SECONDS = TryLock.WAIT_LIMIT.toSeconds();

	private RedisPeers() {
	}

	static List<Contender> contenders(String endpoint) {
		URI uri = URI.create(endpoint);
		return List.of(
				new Contender("Redisson RLock (30 s lease)", Role.PEER, "tryLock(wait; leaseTime 30 s)",
						() -> redisson(endpoint, true)),
				new Contender("Redisson RLock (watchdog)", Role.PEER, "tryLock(wait) with the lock watchdog",
						() -> redisson(endpoint, false)),
				new Contender("Spring Integration RedisLockRegistry", Role.PEER,
						"obtain(key).tryLock(wait); default lock type", () -> registry(uri)),
				new Contender("ShedLock Redis (try-only)", Role.PEER,
						"try-only: LockProvider.lock retried every 1 ms by the benchmark", () -> shedLock(uri)));
	}

	private static LockClient redisson(String endpoint, boolean fixedLease) {
		Config config = new Config();
		config.useSingleServer().setAddress(endpoint);
		RedissonClient redisson = Redisson.create(config);
		return LockClient.of((key) -> {
			RLock lock = redisson.getLock(key);
			boolean acquired = fixedLease ? lock.tryLock(WAIT_SECONDS, LEASE_SECONDS, TimeUnit.SECONDS)
					: lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS);
			if (!acquired) {
				throw new IllegalStateException("Redisson did not acquire " + key + " in " + WAIT_SECONDS + " s");
			}
			return lock::unlock;
		}, redisson::shutdown);
	}

	private static LettuceConnectionFactory connectionFactory(URI uri) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static LockClient registry(URI uri) {
		LettuceConnectionFactory factory = connectionFactory(uri);
		RedisLockRegistry registry = new RedisLockRegistry(factory, "bench-si", LEASE_SECONDS * 1000);
		return JucLocks.client("RedisLockRegistry", registry::obtain, () -> {
			registry.destroy();
			factory.destroy();
		});
	}

	private static LockClient shedLock(URI uri) {
		LettuceConnectionFactory factory = connectionFactory(uri);
		RedisLockProvider provider = new RedisLockProvider(factory, "bench");
		TryLock tryLock = (key) -> provider
			.lock(new LockConfiguration(Instant.now(), key, Duration.ofSeconds(LEASE_SECONDS), Duration.ZERO))
			.map((SimpleLock lock) -> lock::unlock);
		return tryLock.retryingClient(factory::destroy);
	}

}
