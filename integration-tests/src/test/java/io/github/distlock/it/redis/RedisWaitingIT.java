package io.github.distlock.it.redis;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.redis.RedisKeyspace;
import io.github.distlock.backend.redis.RedisLockBackend;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import io.github.distlock.spi.LockRequest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waiting on Redis: woken by the release notification, not by polling; and when no
 * notification comes (a crashed holder, a message lost to a reconnect or to a plain
 * {@code DEL}), by the holder's expiry, a re-subscription, or at the latest the
 * notification timeout.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisWaitingIT {

	private static final RedisKeyspace KEYSPACE = new RedisKeyspace("distlock");

	private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private RedisClient client;

	@AfterEach
	void close() throws Exception {
		this.pool.shutdownNow();
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		if (this.client != null) {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	@Test
	void waiterMakesOneAttemptWhileTheLockStaysBusy(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		DefaultLockTemplate holder = instance(redis, Duration.ofSeconds(5));
		DefaultLockTemplate waiter = instance(redis, Duration.ofSeconds(5));
		try (Lease held = holder.acquire("report:daily", LockOptions.ttl(Duration.ofSeconds(30)))) {
			RedisCommandStats.reset(operator.sync());
			Optional<Lease> attempt = waiter.tryAcquire("report:daily",
					LockOptions.defaults().withWaitTime(Duration.ofSeconds(3)));
			RedisCommandStats stats = RedisCommandStats.read(operator.sync());
			assertThat(attempt).isEmpty();
			assertThat(held.isHeld()).isTrue();
			// A poller would have tried again and again during the 3s; the waiter slept
			// on its notification.
			assertThat(stats.failedAttempts()).as(stats.summary()).isEqualTo(1);
		}
	}

	@Test
	void aReleaseWakesOneWaitingInstanceInTheOrderTheyCame(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		DefaultLockTemplate holder = instance(redis, Duration.ofSeconds(30));
		String waiters = KEYSPACE.waitersKey(LockKeys.encode("report:daily"));
		Lease held = holder.acquire("report:daily", LockOptions.ttl(Duration.ofSeconds(30)));
		List<Future<Lease>> waiting = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 3; i++) {
			DefaultLockTemplate instance = instance(redis, Duration.ofSeconds(30));
			waiting.add(this.pool.submit(() -> instance.acquire("report:daily",
					LockOptions.ttl(Duration.ofSeconds(30)).withWaitTime(Duration.ofSeconds(60)))));
			long joined = i + 1;
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> operator.sync().zcard(waiters) == joined);
		}
		RedisCommandStats.reset(operator.sync());
		held.release();
		Lease first = waiting.get(0).get(10, TimeUnit.SECONDS);
		RedisCommandStats afterFirst = RedisCommandStats.read(operator.sync());
		assertThat(afterFirst.failedAttempts()).as("nobody else woke: " + afterFirst.summary()).isZero();
		assertThat(waiting.get(1).isDone()).isFalse();
		first.release();
		waiting.get(1).get(10, TimeUnit.SECONDS).release();
		waiting.get(2).get(10, TimeUnit.SECONDS).release();
		RedisCommandStats all = RedisCommandStats.read(operator.sync());
		assertThat(all.acquisitions()).isEqualTo(3);
		assertThat(all.failedAttempts()).as("one woken per release: " + all.summary()).isZero();
	}

	@Test
	void aReleaseMessageReachesTheWokenInstanceAlone(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		String key = LockKeys.encode("report:daily");
		DefaultLockTemplate holder = instance(redis, Duration.ofSeconds(30));
		List<DefaultLockTemplate> others = List.of(instance(redis, Duration.ofSeconds(30)),
				instance(redis, Duration.ofSeconds(30)), instance(redis, Duration.ofSeconds(30)));
		// Subscribed after the instances started: their startup checks published too.
		BlockingQueue<List<String>> published = observe(redis, KEYSPACE.sharedReleaseChannel() + "*");
		Lease held = holder.acquire("report:daily", LockOptions.ttl(Duration.ofSeconds(30)));
		List<Future<Lease>> waiting = new CopyOnWriteArrayList<>();
		for (DefaultLockTemplate other : others) {
			waiting.add(this.pool.submit(() -> other.acquire("report:daily",
					LockOptions.ttl(Duration.ofSeconds(30)).withWaitTime(Duration.ofSeconds(60)))));
			long joined = waiting.size();
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> operator.sync().zcard(KEYSPACE.waitersKey(key)) == joined);
		}
		held.release();
		waiting.get(0).get(10, TimeUnit.SECONDS).release();
		List<String> first = published.poll(10, TimeUnit.SECONDS);
		assertThat(first).isNotNull();
		String channel = first.get(0);
		assertThat(first.get(1)).isEqualTo(key);
		assertThat(channel).startsWith(KEYSPACE.sharedReleaseChannel() + ":");
		assertThat(operator.sync().pubsubNumsub(channel)).as("one subscriber: the woken instance")
			.containsEntry(channel, 1L);
		assertThat(operator.sync().pubsubNumsub(KEYSPACE.sharedReleaseChannel()))
			.as("every instance still listens where distlock 0.1 publishes")
			.containsEntry(KEYSPACE.sharedReleaseChannel(), 4L);
		List<String> second = published.poll(10, TimeUnit.SECONDS);
		assertThat(second).isNotNull();
		assertThat(second.get(0)).as("the next waiter's channel").isNotEqualTo(channel);
		waiting.get(1).get(10, TimeUnit.SECONDS).release();
		waiting.get(2).get(10, TimeUnit.SECONDS).release();
	}

	@Test
	void aWaiterOfDistlock01IsNotifiedOnTheSharedChannel(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		String key = LockKeys.encode("report:daily");
		DefaultLockTemplate holder = instance(redis, Duration.ofSeconds(30));
		BlockingQueue<List<String>> published = observe(redis, KEYSPACE.sharedReleaseChannel());
		Lease held = holder.acquire("report:daily", LockOptions.ttl(Duration.ofSeconds(30)));
		// What a failed attempt of distlock 0.1 leaves: a string mark, no queue.
		operator.sync().psetex(KEYSPACE.waitersKey(key), 30_000, "1");
		held.release();
		assertThat(published.poll(10, TimeUnit.SECONDS)).containsExactly(KEYSPACE.sharedReleaseChannel(), key);
	}

	@Test
	void aReleaseByDistlock01WakesTheWaitersOfTheKey(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		String key = LockKeys.encode("report:daily");
		operator.sync().psetex(KEYSPACE.lockKey(key), 60_000, "a distlock 0.1 holder");
		DefaultLockTemplate waiter = instance(redis, Duration.ofSeconds(60));
		Future<Lease> waiting = this.pool.submit(() -> waiter.acquire("report:daily",
				LockOptions.ttl(Duration.ofSeconds(30)).withWaitTime(Duration.ofSeconds(50))));
		awaitFailedAttempt(operator);
		// distlock 0.1's release: delete the lock and the mark, publish the key alone.
		operator.sync().del(KEYSPACE.lockKey(key), KEYSPACE.waitersKey(key));
		operator.sync().publish(KEYSPACE.sharedReleaseChannel(), key);
		// Well before the holder's expiry and the notification timeout (60 s).
		waiting.get(20, TimeUnit.SECONDS).release();
	}

	@Test
	void theWaitingInstanceGoesBeforeTheReleasingInstanceComesBack(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		DefaultLockTemplate holder = instance(redis, Duration.ofSeconds(30));
		DefaultLockTemplate waiter = instance(redis, Duration.ofSeconds(30));
		String waiters = KEYSPACE.waitersKey(LockKeys.encode("report:daily"));
		LockOptions options = LockOptions.ttl(Duration.ofSeconds(30)).withWaitTime(Duration.ofSeconds(30));
		Lease held = holder.acquire("report:daily", options);
		Future<Long> waited = this.pool.submit(() -> {
			try (Lease lease = waiter.acquire("report:daily", options)) {
				return lease.fencingToken();
			}
		});
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> operator.sync().zcard(waiters) == 1);
		held.release();
		// Without the reservation, the releasing instance, one round trip away, may win
		// against the waiter, which needs the notification first.
		long again;
		try (Lease lease = holder.acquire("report:daily", options)) {
			again = lease.fencingToken();
		}
		assertThat(waited.get(10, TimeUnit.SECONDS)).isLessThan(again);
	}

	@Test
	void aReservationForAnInstanceThatNeverComesEndsByItself(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		DefaultLockTemplate holder = instance(redis, Duration.ofSeconds(60));
		DefaultLockTemplate other = instance(redis, Duration.ofSeconds(60));
		String key = LockKeys.encode("report:daily");
		Lease held = holder.acquire("report:daily", LockOptions.ttl(Duration.ofSeconds(30)));
		// An instance that waited and crashed: the release reserves the lock for it.
		long serverMicros = Long.parseLong(operator.sync().time().get(0)) * 1_000_000;
		operator.sync()
			.zadd(KEYSPACE.waitersKey(key), serverMicros + 60_000_000, "00000000-0000-0000-0000-000000000000");
		held.release();
		assertThat(holder.tryAcquire("report:daily", LockOptions.defaults().withWaitTime(Duration.ZERO))).isEmpty();
		try (Lease next = other.acquire("report:daily", LockOptions.defaults().withWaitTime(Duration.ofSeconds(30)))) {
			assertThat(next.isHeld()).isTrue();
			assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
		}
	}

	@Test
	void releasesPublishOnlyWhenSomeoneWaits(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		DefaultLockTemplate first = instance(redis, Duration.ofSeconds(5));
		DefaultLockTemplate second = instance(redis, Duration.ofSeconds(5));
		RedisCommandStats.reset(operator.sync());
		for (int i = 0; i < 5; i++) {
			first.acquire("quiet", LockOptions.defaults()).release();
		}
		assertThat(RedisCommandStats.read(operator.sync()).calls("publish")).isZero();

		Lease held = first.acquire("awaited", LockOptions.defaults());
		Future<Long> token = this.pool.submit(() -> {
			try (Lease lease = second.acquire("awaited", LockOptions.defaults().withWaitTime(Duration.ofSeconds(30)))) {
				return lease.fencingToken();
			}
		});
		awaitFailedAttempt(operator);
		held.release();
		assertThat(token.get(30, TimeUnit.SECONDS)).isGreaterThan(held.fencingToken());
		RedisCommandStats stats = RedisCommandStats.read(operator.sync());
		assertThat(stats.calls("publish")).as(stats.summary()).isEqualTo(1);
		assertThat(stats.failedAttempts()).as("woken by the release, not by a re-check").isEqualTo(1);
	}

	@Test
	void crashedHoldersEntryIsTakenOverWhenItExpiresNotAtTheNotificationTimeout(@Dedicated RedisServer redis)
			throws Exception {
		RedisLockBackend crashing = backend(redis, Duration.ofSeconds(5));
		String key = LockKeys.encode("invoice:7");
		assertThat(crashing.tryAcquire(new LockRequest(key, Duration.ofSeconds(1), Duration.ZERO))).isPresent();
		// Gone without releasing: no notification will ever come.
		crashing.close();
		DefaultLockTemplate waiter = instance(redis, Duration.ofSeconds(60));
		long start = System.nanoTime();
		try (Lease lease = waiter.acquire("invoice:7", LockOptions.defaults().withWaitTime(Duration.ofSeconds(50)))) {
			assertThat(lease.isHeld()).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
		}
	}

	@Test
	void lockDeletedWithoutNotificationIsFoundAtTheNotificationTimeout(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		DefaultLockTemplate holder = instance(redis, Duration.ofSeconds(60));
		DefaultLockTemplate waiter = instance(redis, Duration.ofSeconds(1));
		holder.acquire("stock:42", LockOptions.ttl(Duration.ofSeconds(60)));
		Future<Long> waited = this.pool.submit(() -> {
			long start = System.nanoTime();
			try (Lease lease = waiter.acquire("stock:42",
					LockOptions.defaults().withWaitTime(Duration.ofSeconds(50)))) {
				return System.nanoTime() - start;
			}
		});
		awaitFailedAttempt(operator);
		operator.sync().del(KEYSPACE.lockKey(LockKeys.encode("stock:42")));
		assertThat(Duration.ofNanos(waited.get(60, TimeUnit.SECONDS))).isLessThan(Duration.ofSeconds(20));
	}

	@Test
	void resubscriptionAfterAReconnectWakesWaitersToCheckAgain(@Dedicated RedisServer redis) throws Exception {
		StatefulRedisConnection<String, String> operator = operator(redis);
		DefaultLockTemplate holder = instance(redis, Duration.ofSeconds(60));
		DefaultLockTemplate waiter = instance(redis, Duration.ofSeconds(60));
		holder.acquire("stock:43", LockOptions.ttl(Duration.ofSeconds(60)));
		Future<Long> waited = this.pool.submit(() -> {
			long start = System.nanoTime();
			try (Lease lease = waiter.acquire("stock:43",
					LockOptions.defaults().withWaitTime(Duration.ofSeconds(55)))) {
				return System.nanoTime() - start;
			}
		});
		awaitFailedAttempt(operator);
		// A release while the subscription is down is never delivered; the
		// re-subscription stands in for it.
		operator.sync().del(KEYSPACE.lockKey(LockKeys.encode("stock:43")));
		operator.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
		assertThat(Duration.ofNanos(waited.get(60, TimeUnit.SECONDS))).isLessThan(Duration.ofSeconds(20));
	}

	private static void awaitFailedAttempt(StatefulRedisConnection<String, String> operator) {
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> RedisCommandStats.read(operator.sync()).failedAttempts() > 0);
	}

	/** The channel and message of every publication on channels matching the pattern. */
	private BlockingQueue<List<String>> observe(RedisServer redis, String pattern) {
		StatefulRedisPubSubConnection<String, String> observer = client(redis).connectPubSub();
		this.closeables.add(observer);
		BlockingQueue<List<String>> published = new LinkedBlockingQueue<>();
		observer.addListener(new RedisPubSubAdapter<>() {
			@Override
			public void message(String matched, String channel, String message) {
				published.add(List.of(channel, message));
			}
		});
		observer.sync().psubscribe(pattern);
		return published;
	}

	private StatefulRedisConnection<String, String> operator(RedisServer redis) {
		StatefulRedisConnection<String, String> connection = client(redis).connect();
		this.closeables.add(connection);
		RedisCommandStats.reset(connection.sync());
		return connection;
	}

	private DefaultLockTemplate instance(RedisServer redis, Duration notificationTimeout) {
		DefaultLockTemplate manager = new DefaultLockTemplate(backend(redis, notificationTimeout),
				LockSettings.defaults(), List.of());
		this.closeables.add(manager);
		return manager;
	}

	private RedisLockBackend backend(RedisServer redis, Duration notificationTimeout) {
		RedisLockBackend backend = RedisLockBackend.connect(client(redis), KEYSPACE, notificationTimeout);
		this.closeables.add(backend);
		return backend;
	}

	private RedisClient client(RedisServer redis) {
		if (this.client == null) {
			this.client = RedisClient.create(redis.uri());
		}
		return this.client;
	}

}
