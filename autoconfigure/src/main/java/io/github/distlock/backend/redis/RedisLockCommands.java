package io.github.distlock.backend.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.distlock.LockBackendException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The three lock operations, each one Lua script and so one atomic round trip. Scripts
 * are sent by digest ({@code EVALSHA}); when the server has lost its script cache
 * (restart, failover, {@code SCRIPT FLUSH}) the text is sent once with {@code EVAL},
 * which caches it again.
 */
final class RedisLockCommands {

	/**
	 * KEYS: lock, fencing counter, waiters. ARGV: holder, ttl ms, counter retention ms,
	 * how long this caller will wait for a notification in ms (0: it will not), the
	 * waiting instance's id. Returns {1, token} or {0, the holder's remaining ttl in ms}.
	 *
	 * <p>
	 * A missing counter ({@code INCR} answers 1) is seeded from the server clock in
	 * microseconds, so tokens keep increasing after the counter was lost to a restart
	 * without persistence, to eviction or to its retention running out (overtaking the
	 * clock would take one acquisition per microsecond per key). The retention counts
	 * from the seeding, not from the last use: extending it at every acquisition would
	 * cost a command on the path every lock takes, and a counter re-seeded a day later is
	 * far ahead of the old one all the same. A failed attempt that will wait joins the
	 * key's waiters, a sorted set of instance ids scored by the server time at which
	 * their wait ends, in microseconds (in milliseconds, instances that joined in the
	 * same millisecond would be served in the order of their ids, not of their arrival),
	 * in the same atomic step, so a release after it is sure to notify; an instance
	 * already waiting keeps its place ({@code ZADD NX}). The set's own expiry is only
	 * ever extended, and read in whole seconds ({@code TTL}: the caller adds a second of
	 * margin), which leaves {@code PTTL} to failed attempts alone in
	 * {@code INFO commandstats}. A waiters mark of distlock 0.1 (a string) is replaced. A
	 * lock reserved for this instance by the release that woke it is taken like a free
	 * one.
	 */
	private static final Script ACQUIRE = new Script("""
			local taken = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
			if not taken and redis.call('GET', KEYS[1]) == 'reserved:' .. ARGV[5] then
			  taken = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
			end
			if taken then
			  local token = redis.call('INCR', KEYS[2])
			  if token == 1 then
			    local now = redis.call('TIME')
			    local seed = now[1] .. string.format('%06d', tonumber(now[2]))
			    redis.call('SET', KEYS[2], seed, 'PX', ARGV[3])
			    token = tonumber(seed)
			  end
			  return {1, token}
			end
			local waiting = tonumber(ARGV[4])
			if waiting > 0 then
			  if redis.call('TYPE', KEYS[3]).ok == 'string' then
			    redis.call('DEL', KEYS[3])
			  end
			  local now = redis.call('TIME')
			  local ends = tonumber(now[1]) * 1000000 + tonumber(now[2]) + waiting * 1000
			  redis.call('ZADD', KEYS[3], 'NX', ends, ARGV[5])
			  if redis.call('TTL', KEYS[3]) * 1000 < waiting then
			    redis.call('PEXPIRE', KEYS[3], waiting)
			  end
			end
			return {0, redis.call('PTTL', KEYS[1])}
			""");

	/**
	 * KEYS: lock. ARGV: holder, ttl ms. Returns 1 when the lock was ours and is extended.
	 */
	private static final Script RENEW = new Script("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
			end
			return 0
			""");

	/**
	 * KEYS: lock, waiters. ARGV: holder, shared channel, key, reservation ms. Returns 0
	 * when the lock was not ours; else deletes it and wakes one waiting instance: it
	 * drops the waiters whose wait has ended, takes the one that has waited longest,
	 * reserves the lock for it ({@code reserved:<its id>} for the reservation time) and
	 * publishes the key on that instance's own channel
	 * ({@code <shared channel>:<its id>}, as {@link RedisKeyspace#releaseChannel(String)}
	 * names it), so that one instance receives the message and tries again instead of
	 * every one, and an instance that comes back at once (typically the one that just
	 * released) cannot take the lock before the one that waited: a failed attempt during
	 * the reservation joins the waiters and re-checks when the reservation ends. Returns
	 * 3 when it reserved the lock for a waiter, 1 when nobody waited. A waiters mark of
	 * distlock 0.1 (a string) still wakes every waiter on the shared channel, as 0.1 did,
	 * without a reservation: returns 2.
	 */
	private static final Script RELEASE = new Script("""
			if redis.call('GET', KEYS[1]) ~= ARGV[1] then
			  return 0
			end
			redis.call('DEL', KEYS[1])
			local kind = redis.call('TYPE', KEYS[2]).ok
			if kind == 'string' then
			  redis.call('DEL', KEYS[2])
			  redis.call('PUBLISH', ARGV[2], ARGV[3])
			  return 2
			end
			if kind ~= 'zset' then
			  return 1
			end
			local now = redis.call('TIME')
			redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf',
			  tonumber(now[1]) * 1000000 + tonumber(now[2]))
			local first = redis.call('ZPOPMIN', KEYS[2])
			if first[1] then
			  redis.call('SET', KEYS[1], 'reserved:' .. first[1], 'PX', ARGV[4])
			  redis.call('PUBLISH', ARGV[2] .. ':' .. first[1], ARGV[3])
			  return 3
			end
			return 1
			""");

	/**
	 * How long a release keeps the lock for the instance it wakes: long enough for the
	 * notification and one attempt, short enough that a woken instance that has gone
	 * meanwhile (crashed, or its waiter gave up) delays the lock by no more than this.
	 */
	private static final String RESERVATION_MILLIS = "50";

	/**
	 * Fencing counters outlive their locks by this much; the clock seed covers any that
	 * expire.
	 */
	private static final long COUNTER_RETENTION_MILLIS = Duration.ofDays(1).toMillis();

	private final RedisClusterAsyncCommands<String, String> commands;

	private final RedisKeyspace keyspace;

	private final Duration timeout;

	private final String instanceId;

	RedisLockCommands(RedisClusterAsyncCommands<String, String> commands, RedisKeyspace keyspace, Duration timeout,
			String instanceId) {
		this.commands = commands;
		this.keyspace = keyspace;
		this.timeout = timeout;
		this.instanceId = instanceId;
	}

	RedisKeyspace keyspace() {
		return this.keyspace;
	}

	/**
	 * How long a call waits for Redis: the timeout of the application's Redis connection.
	 */
	Duration timeout() {
		return this.timeout;
	}

	/**
	 * Sends {@code PING}.
	 */
	RedisFuture<String> ping() {
		return this.commands.ping();
	}

	/**
	 * Takes the lock for {@code holder} if it is free; if not, and {@code waitingMillis}
	 * is positive, makes sure that its release during the next {@code waitingMillis} is
	 * published.
	 */
	Attempt acquire(String encodedKey, String holder, long ttlMillis, long waitingMillis) throws InterruptedException {
		return acquire(encodedKey, holder, ttlMillis, waitingMillis, ttlMillis + COUNTER_RETENTION_MILLIS);
	}

	Attempt acquire(String encodedKey, String holder, long ttlMillis, long waitingMillis, long counterRetentionMillis)
			throws InterruptedException {
		String[] keys = { this.keyspace.lockKey(encodedKey), this.keyspace.fencingKey(encodedKey),
				this.keyspace.waitersKey(encodedKey) };
		try {
			// An answer later than the ttl could not give a valid lock anyway.
			List<Long> reply = run(ACQUIRE, ScriptOutputType.MULTI, keys, bounded(Duration.ofMillis(ttlMillis)), holder,
					Long.toString(ttlMillis), Long.toString(counterRetentionMillis), Long.toString(waitingMillis),
					this.instanceId);
			return new Attempt(reply.get(0) == 1, reply.get(1));
		}
		catch (RuntimeException ex) {
			// The script may still run after a timeout or a lost reply; queued behind it
			// on the same
			// connection, this frees what it may have taken instead of leaving it to the
			// ttl.
			releaseInBackground(encodedKey, holder);
			throw failure("acquire", encodedKey, ex);
		}
		catch (InterruptedException ex) {
			releaseInBackground(encodedKey, holder);
			throw ex;
		}
	}

	/**
	 * Extends the lock by {@code ttlMillis} if {@code holder} still holds it.
	 */
	boolean renew(String encodedKey, String holder, long ttlMillis, Duration timeout) throws InterruptedException {
		String[] keys = { this.keyspace.lockKey(encodedKey) };
		try {
			Long extended = run(RENEW, ScriptOutputType.INTEGER, keys, timeout, holder, Long.toString(ttlMillis));
			return extended == 1;
		}
		catch (RuntimeException ex) {
			throw failure("renew", encodedKey, ex);
		}
	}

	/**
	 * Like {@link #renew}, without waiting: sent with {@code EVAL}, so that a server that
	 * lost its script cache (a restart) runs it too.
	 * @return a stage completing with whether the lock was ours and is extended
	 */
	CompletionStage<Boolean> renewAsync(String encodedKey, String holder, long ttlMillis) {
		String[] keys = { this.keyspace.lockKey(encodedKey) };
		RedisFuture<Long> reply = this.commands.eval(RENEW.text(), ScriptOutputType.INTEGER, keys, holder,
				Long.toString(ttlMillis));
		return reply.thenApply((extended) -> extended == 1);
	}

	/**
	 * Deletes the lock if {@code holder} holds it, and then notifies waiters. Waits for
	 * the answer even when interrupted (the interrupt is kept): the script is sent at
	 * once, and whether the lock was ours is what the caller needs.
	 */
	Released release(String encodedKey, String holder) {
		return release(encodedKey, holder, this.timeout);
	}

	/**
	 * Like {@link #release(String, String)}, waiting at most {@code timeout} (and never
	 * longer than the connection's timeout) for the answer.
	 */
	Released release(String encodedKey, String holder, Duration timeout) {
		try {
			Long outcome = run(RELEASE, ScriptOutputType.INTEGER, releaseKeys(encodedKey), bounded(timeout), false,
					holder, this.keyspace.sharedReleaseChannel(), encodedKey, RESERVATION_MILLIS);
			return switch (outcome.intValue()) {
				case 0 -> Released.NOT_OURS;
				case 2 -> Released.TO_ALL_WAITERS;
				case 3 -> Released.RESERVED_FOR_WAITER;
				default -> Released.TO_NOBODY;
			};
		}
		catch (RuntimeException ex) {
			throw failure("release", encodedKey, ex);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException("An uninterruptible wait was interrupted", ex);
		}
	}

	private void releaseInBackground(String encodedKey, String holder) {
		try {
			this.commands.eval(RELEASE.text(), ScriptOutputType.INTEGER, releaseKeys(encodedKey), holder,
					this.keyspace.sharedReleaseChannel(), encodedKey, RESERVATION_MILLIS);
		}
		catch (RuntimeException ex) {
			// Best effort only: the ttl frees the lock anyway.
		}
	}

	private Duration bounded(Duration timeout) {
		return (timeout.compareTo(this.timeout) < 0) ? timeout : this.timeout;
	}

	private String[] releaseKeys(String encodedKey) {
		return new String[] { this.keyspace.lockKey(encodedKey), this.keyspace.waitersKey(encodedKey) };
	}

	private <T> T run(Script script, ScriptOutputType type, String[] keys, Duration timeout, String... args)
			throws InterruptedException {
		return run(script, type, keys, timeout, true, args);
	}

	private <T> T run(Script script, ScriptOutputType type, String[] keys, Duration timeout, boolean interruptible,
			String... args) throws InterruptedException {
		try {
			return await(this.commands.evalsha(script.sha(), type, keys, args), timeout, interruptible);
		}
		catch (RedisNoScriptException ex) {
			return await(this.commands.eval(script.text(), type, keys, args), timeout, interruptible);
		}
	}

	private static <T> T await(RedisFuture<T> future, Duration timeout, boolean interruptible)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				}
				catch (InterruptedException ex) {
					if (interruptible) {
						throw ex;
					}
					interrupted = true;
				}
			}
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Redis did not answer within " + timeout.toMillis() + "ms", ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static LockBackendException failure(String operation, String encodedKey, RuntimeException ex) {
		return new LockBackendException(
				"Redis failed to " + operation + " lock '" + encodedKey + "': " + ex.getMessage(), ex,
				RedisFailures.isTransient(ex));
	}

	/**
	 * The outcome of one release script.
	 */
	enum Released {

		/** The lock was not ours: nothing was deleted. */
		NOT_OURS,
		/** Deleted; nobody had marked the key as awaited. */
		TO_NOBODY,
		/**
		 * Deleted, and every waiter was notified (a waiters mark of distlock 0.1): they
		 * compete for it.
		 */
		TO_ALL_WAITERS,
		/**
		 * Reserved for the instance that waited longest, which was notified: nobody else
		 * can take it meanwhile.
		 */
		RESERVED_FOR_WAITER;

		boolean ours() {
			return this != NOT_OURS;
		}

	}

	/**
	 * The outcome of one acquire script.
	 *
	 * @param acquired whether the lock was taken
	 * @param value the fencing token when acquired, else the holder's remaining ttl in
	 * milliseconds (negative when Redis reports none)
	 */
	record Attempt(boolean acquired, long value) {
	}

	/**
	 * A script and its digest.
	 */
	private record Script(String text, String sha) {

		Script(String text) {
			this(text, sha1(text));
		}

		private static String sha1(String text) {
			try {
				byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
				return HexFormat.of().formatHex(digest);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-1 is not available", ex);
			}
		}

	}

}
