package io.github.distlock.backend.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.distlock.LockBackendException;
import io.github.distlock.backend.redis.RedisLockCommands.Attempt;
import io.github.distlock.backend.redis.ReleaseNotifications.Waiter;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Locks in Redis (standalone, Sentinel or Cluster), over two connections of its own
 * opened from a Lettuce client: one for the lock scripts, one subscribed to the
 * instance's release channel (and the one distlock 0.1 shares).
 *
 * <p>
 * A lock is a key set with {@code NX PX ttl} whose value names the holder (this backend's
 * random instance id and a lease number); the same script increments the key's fencing
 * counter. A waiter sleeps until a release notification for its key, the expiry of the
 * holder's entry (the failed attempt returns its remaining ttl) or the notification
 * timeout, whichever comes first, and then tries again: no fixed-interval polling.
 */
public final class RedisLockBackend implements LockBackend, ConnectionCheck {

	private static final Log logger = LogFactory.getLog(RedisLockBackend.class);

	/**
	 * How long the startup check waits for its own release notification before warning.
	 */
	private static final Duration NOTIFICATION_CHECK_WAIT = Duration.ofSeconds(2);

	private static final long AWAITED_MARGIN_MILLIS = 1000;

	private final StatefulConnection<String, String> connection;

	private final StatefulRedisPubSubConnection<String, String> subscription;

	private final RedisLockCommands commands;

	private final ReleaseNotifications notifications;

	private final long notificationTimeoutNanos;

	private final String instanceId = UUID.randomUUID().toString();

	private final AtomicLong leases = new AtomicLong();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final ReconnectCheck reconnects = new ReconnectCheck();

	private final AbstractRedisClient client;

	private volatile Runnable afterClose = () -> {
	};

	private RedisLockBackend(AbstractRedisClient client, Connections connections, RedisKeyspace keyspace,
			Duration notificationTimeout) {
		this.client = client;
		this.connection = connections.commands();
		this.subscription = connections.subscription();
		this.commands = new RedisLockCommands(connections.async(), keyspace, this.connection.getTimeout(),
				this.instanceId);
		this.notifications = new ReleaseNotifications();
		this.notificationTimeoutNanos = notificationTimeout.toNanos();
	}

	/**
	 * Opens the backend's connections through {@code client}, which keeps belonging to
	 * the caller (closing the backend closes only its own connections), subscribes to the
	 * release channel, and checks with one acquire and release of a key of its own that
	 * the Redis user may do everything the backend needs.
	 * @param client a {@link RedisClient} (standalone or Sentinel) or a
	 * {@link RedisClusterClient}, with its default URI (credentials, TLS, timeout) set
	 * @param keyspace where locks are kept
	 * @param notificationTimeout how long a waiter relies on the release notification
	 * before checking the lock again anyway
	 * @throws LockBackendException when Redis cannot be reached, refuses the credentials
	 * or a command
	 */
	public static RedisLockBackend connect(AbstractRedisClient client, RedisKeyspace keyspace,
			Duration notificationTimeout) {
		return connect(client, keyspace, notificationTimeout, () -> {
		});
	}

	/**
	 * Like {@link #connect(AbstractRedisClient, RedisKeyspace, Duration)}, and runs
	 * {@code afterClose} once the backend's connections are closed (for example to shut
	 * down a client made for the backend alone). Not run when connecting fails.
	 */
	public static RedisLockBackend connect(AbstractRedisClient client, RedisKeyspace keyspace,
			Duration notificationTimeout, Runnable afterClose) {
		Objects.requireNonNull(keyspace, "keyspace");
		Objects.requireNonNull(afterClose, "afterClose");
		if (notificationTimeout.isNegative() || notificationTimeout.isZero()) {
			throw new IllegalArgumentException("notificationTimeout must be positive, but was " + notificationTimeout);
		}
		RedisLockBackend backend = new RedisLockBackend(client, Connections.open(client), keyspace,
				notificationTimeout);
		try {
			backend.start();
		}
		catch (InterruptedException ex) {
			backend.close();
			Thread.currentThread().interrupt();
			throw new LockBackendException("Interrupted while connecting to Redis", ex);
		}
		catch (RuntimeException ex) {
			backend.close();
			throw ex;
		}
		backend.afterClose = afterClose;
		// From now on, every connection established is a reconnect.
		client.addListener(backend.reconnects);
		return backend;
	}

	private void start() throws InterruptedException {
		this.subscription.addListener(this.notifications);
		String channel = this.commands.keyspace().releaseChannel(this.instanceId);
		String shared = this.commands.keyspace().sharedReleaseChannel();
		await(this.subscription.async().subscribe(channel, shared), "subscribe to " + channel + " and " + shared);
		// A real acquire, a failed attempt that waits, and a release: proves that the
		// user may run the
		// scripts on our keys and publish, and that notifications reach us (a proxy
		// without pub/sub
		// would leave waiters to their re-checks).
		String key = "startup-check:" + this.instanceId;
		Waiter waiter = this.notifications.register(key);
		try {
			String holder = nextHolder();
			long checkMillis = NOTIFICATION_CHECK_WAIT.toMillis();
			boolean taken = this.commands.acquire(key, holder, checkMillis * 5, 0, checkMillis).acquired();
			boolean busy = !this.commands.acquire(key, nextHolder(), checkMillis, checkMillis * 2, checkMillis)
				.acquired();
			waiter.clear();
			if (!taken || !busy || !this.commands.release(key, holder).ours()) {
				throw new LockBackendException("The startup check could not take, find busy and release its own key "
						+ this.commands.keyspace().lockKey(key));
			}
			if (!waiter.await(NOTIFICATION_CHECK_WAIT.toNanos())) {
				logger.warn("distlock received no release notification on Redis channel '" + channel + "' within "
						+ NOTIFICATION_CHECK_WAIT.toSeconds() + "s of its own release: pub/sub seems not to reach this "
						+ "client (a proxy without pub/sub?). Waiting for a busy lock then relies on re-checks at the "
						+ "holder's expiry and every distlock.redis.notification-timeout.");
			}
		}
		finally {
			this.notifications.unregister(key, waiter);
		}
	}

	@Override
	public String name() {
		return "redis";
	}

	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		try {
			return acquire(request);
		}
		catch (LockBackendException ex) {
			if (this.closed.get() && ex.isTransient()) {
				// A closed connection never comes back: waiting for it would only spin.
				throw new LockBackendException("The Redis lock backend is closed", ex);
			}
			throw ex;
		}
	}

	private Optional<BackendLock> acquire(LockRequest request) throws InterruptedException {
		String key = request.key();
		// Whole milliseconds, rounded up: Redis must never expire the entry before the
		// local deadline.
		long ttlMillis = Math.max(1, (request.ttl().toNanos() + 999_999) / 1_000_000);
		long waitNanos = request.waitTime().toNanos();
		long deadline = System.nanoTime() + waitNanos;
		String holder = nextHolder();
		@Nullable Waiter waiter = (waitNanos > 0) ? this.notifications.register(key) : null;
		try {
			while (true) {
				if (waiter != null) {
					waiter.clear();
				}
				long sentAt = System.nanoTime();
				Attempt attempt = this.commands.acquire(key, holder, ttlMillis, awaitedMillis(waiter, deadline));
				if (attempt.acquired()) {
					return Optional.of(new RedisLock(this.commands, this.reconnects, key, holder, ttlMillis,
							attempt.value(), sentAt));
				}
				long remaining = deadline - System.nanoTime();
				if (waiter == null || remaining <= 0) {
					return Optional.empty();
				}
				long recheck = recheckNanos(attempt.value());
				// Woken by a release: try again even at the deadline, the release came
				// within the wait time.
				if (!waiter.await(Math.min(remaining, recheck)) && recheck >= remaining) {
					return Optional.empty();
				}
			}
		}
		finally {
			if (waiter != null) {
				this.notifications.unregister(key, waiter);
			}
		}
	}

	/**
	 * How long a failed attempt marks the key as awaited: as long as this waiter may
	 * sleep before its next attempt, plus a margin for client-side delays (a mark that
	 * ran out only delays the waiter until its own re-check).
	 */
	private long awaitedMillis(@Nullable Waiter waiter, long deadline) {
		if (waiter == null) {
			return 0;
		}
		long sleep = Math.min(Math.max(0, deadline - System.nanoTime()), this.notificationTimeoutNanos);
		return TimeUnit.NANOSECONDS.toMillis(sleep) + AWAITED_MARGIN_MILLIS;
	}

	/**
	 * When to try again without a notification: just after the holder's entry expires (a
	 * crashed holder publishes nothing), but no later than the notification timeout (a
	 * lost message).
	 */
	private long recheckNanos(long holderTtlMillis) {
		if (holderTtlMillis < 0) {
			return this.notificationTimeoutNanos;
		}
		return Math.min(TimeUnit.MILLISECONDS.toNanos(holderTtlMillis + 1), this.notificationTimeoutNanos);
	}

	/**
	 * Pings Redis on the lock connection, and requires the release subscription to be up
	 * (while it is down, for example reconnecting, waiters fall back to their re-checks).
	 */
	@Override
	public void checkConnection() {
		try {
			await(this.commands.ping(), "answer PING");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LockBackendException("Interrupted while pinging Redis", ex);
		}
		if (!this.subscription.isOpen()) {
			throw new LockBackendException("The subscription to Redis channel '"
					+ this.commands.keyspace().releaseChannel(this.instanceId) + "' is down");
		}
	}

	private String nextHolder() {
		return this.instanceId + ":" + this.leases.incrementAndGet();
	}

	/**
	 * Closes the backend's connections; locks still held expire after their ttl. Waiters
	 * are woken and fail.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		try {
			this.client.removeListener(this.reconnects);
			this.subscription.close();
			this.connection.close();
			// Their next attempt fails at once on the closed connection instead of taking
			// a lock now.
			this.notifications.wakeAll();
		}
		finally {
			this.afterClose.run();
		}
	}

	private void await(RedisFuture<?> future, String what) throws InterruptedException {
		try {
			future.get(this.connection.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			throw new LockBackendException("Redis failed to " + what + ": " + describe(ex.getCause()), ex.getCause(),
					RedisFailures.isTransient(ex.getCause()));
		}
		catch (TimeoutException ex) {
			throw new LockBackendException("Redis did not " + what + " within " + this.connection.getTimeout(), ex,
					true);
		}
	}

	private static String describe(Throwable failure) {
		StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
		for (Throwable cause = failure.getCause(); cause != null
				&& cause != cause.getCause(); cause = cause.getCause()) {
			if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
				text.append(": ").append(cause.getMessage());
			}
		}
		return text.toString();
	}

	/**
	 * The backend's two connections, opened from a standalone/Sentinel or a Cluster
	 * client.
	 */
	private record Connections(StatefulConnection<String, String> commands,
			RedisClusterAsyncCommands<String, String> async,
			StatefulRedisPubSubConnection<String, String> subscription) {

		static Connections open(AbstractRedisClient client) {
			StatefulConnection<String, String> commands = null;
			try {
				if (client instanceof RedisClusterClient cluster) {
					StatefulRedisClusterConnection<String, String> connection = cluster.connect(StringCodec.UTF8);
					commands = connection;
					return new Connections(connection, connection.async(), cluster.connectPubSub(StringCodec.UTF8));
				}
				if (client instanceof RedisClient standalone) {
					StatefulRedisConnection<String, String> connection = standalone.connect(StringCodec.UTF8);
					commands = connection;
					return new Connections(connection, connection.async(), standalone.connectPubSub(StringCodec.UTF8));
				}
				throw new IllegalArgumentException("Unsupported Lettuce client " + client.getClass().getName());
			}
			catch (RuntimeException ex) {
				if (commands != null) {
					commands.closeAsync();
				}
				throw new LockBackendException(describe(ex), ex);
			}
		}

	}

}
