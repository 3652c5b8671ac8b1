package io.github.distlock.it.redis;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.core.LockListener;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.backend.redis.RedisKeyspace;
import io.github.distlock.backend.redis.RedisLockBackend;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A holder learns that Redis lost its lock: after a restart that loses the data, and
 * after the server froze for longer than the ttl (in which case the holder is told while
 * the server is still frozen, so before anyone else can take the lock).
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisLossDetectionIT {

	private static final Duration TTL = Duration.ofSeconds(2);

	private final List<RedisClient> clients = new CopyOnWriteArrayList<>();

	private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

	private final List<String> lostReports = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws Exception {
		// Managers before their backends: they were added after them.
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		this.clients.forEach((client) -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
	}

	@Test
	void restartThatLosesTheDataIsReportedWithinAboutOneTtlAndTokensKeepIncreasing(@Dedicated RedisServer redis)
			throws Exception {
		DefaultLockTemplate holder = instance(redis);
		Lease lease = holder.acquire("orders:restart", LockOptions.ttl(TTL));
		CountDownLatch lost = new CountDownLatch(1);
		lease.onLost(lost::countDown);

		redis.restart();
		long restartedAt = System.nanoTime();

		assertThat(lost.await(TTL.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS)).as("onLost fires").isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - restartedAt)).isLessThan(TTL.plusSeconds(5));
		assertThat(lease.isHeld()).isFalse();
		assertThat(this.lostReports).singleElement().asString().startsWith("orders:restart: ");

		// The restart also lost the fencing counter; the clock seed keeps the next token
		// above the old one.
		Optional<Lease> next = instance(redis).tryAcquire("orders:restart",
				LockOptions.defaults().withWaitTime(Duration.ofSeconds(10)));
		assertThat(next).isPresent();
		assertThat(next.get().fencingToken()).isGreaterThan(lease.fencingToken());
		next.get().release();
		lease.release();
	}

	@Test
	void restartThatLosesTheDataIsFoundWhenTheConnectionIsBackNotAtTheNextRenewal(@Dedicated RedisServer redis)
			throws Exception {
		// Renewals every 20s: a loss reported sooner can only come from the reconnect.
		Lease lease = instance(redis).acquire("orders:reconnect", LockOptions.ttl(Duration.ofMinutes(1)));
		CountDownLatch lost = new CountDownLatch(1);
		lease.onLost(lost::countDown);

		redis.restart();

		assertThat(lost.await(1, TimeUnit.MINUTES)).as("onLost fires").isTrue();
		assertThat(lease.isHeld()).isFalse();
		assertThat(this.lostReports).singleElement()
			.asString()
			.startsWith("orders:reconnect: ")
			.contains("when the connection was re-established");
		lease.release();
	}

	@Test
	void pauseLongerThanTheTtlIsReportedWhileTheServerIsStillFrozen(@Dedicated RedisServer redis) throws Exception {
		DefaultLockTemplate holder = instance(redis);
		Lease lease = holder.acquire("orders:pause", LockOptions.ttl(TTL));
		CountDownLatch lost = new CountDownLatch(1);
		lease.onLost(lost::countDown);

		redis.pause();
		long pausedAt = System.nanoTime();
		try {
			assertThat(lost.await(TTL.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS)).as("onLost fires").isTrue();
			assertThat(lease.isHeld()).isFalse();
			assertThat(redis.isPaused()).as("told before the server could hand the lock to anyone").isTrue();
			// Stay frozen well past the ttl, so that Redis itself expires the entry when
			// it resumes.
			Duration frozenFor = Duration.ofNanos(System.nanoTime() - pausedAt);
			Duration rest = TTL.plusMillis(500).minus(frozenFor);
			if (!rest.isNegative()) {
				await().during(rest).atMost(rest.plusSeconds(5)).until(() -> !lease.isHeld());
			}
		}
		finally {
			redis.resume();
		}
		assertThat(this.lostReports).singleElement().asString().startsWith("orders:pause: ");

		Optional<Lease> next = instance(redis).tryAcquire("orders:pause",
				LockOptions.defaults().withWaitTime(Duration.ofSeconds(10)));
		assertThat(next).isPresent();
		assertThat(next.get().fencingToken()).isGreaterThan(lease.fencingToken());
		// The frozen holder's late release must not free the new holder.
		lease.release();
		assertThat(instance(redis).tryAcquire("orders:pause", LockOptions.defaults())).isEmpty();
		next.get().release();
	}

	@Test
	void connectionCheckFailsWhileTheServerIsFrozenAndPassesAgainAfter(@Dedicated RedisServer redis) {
		DefaultLockTemplate manager = instance(redis);
		assertThat(manager.checkConnection()).isTrue();
		redis.pause();
		try {
			assertThatThrownBy(manager::checkConnection).isInstanceOf(LockBackendException.class)
				.hasMessageContaining("PING");
		}
		finally {
			redis.resume();
		}
		assertThat(manager.checkConnection()).isTrue();
	}

	private DefaultLockTemplate instance(RedisServer redis) {
		// As an application with spring.data.redis.timeout=2s would.
		RedisClient client = RedisClient.create(RedisURI.builder()
			.withHost(redis.host())
			.withPort(redis.port())
			.withTimeout(Duration.ofSeconds(2))
			.build());
		this.clients.add(client);
		RedisLockBackend backend = RedisLockBackend.connect(client, new RedisKeyspace("distlock"),
				Duration.ofSeconds(5));
		this.closeables.add(backend);
		DefaultLockTemplate manager = new DefaultLockTemplate(backend, LockSettings.defaults(),
				List.of(new LockListener() {
					@Override
					public void lost(LockInfo lock, long fencingToken, String reason) {
						RedisLossDetectionIT.this.lostReports.add(lock.key() + ": " + reason);
					}
				}));
		this.closeables.add(manager);
		return manager;
	}

}
