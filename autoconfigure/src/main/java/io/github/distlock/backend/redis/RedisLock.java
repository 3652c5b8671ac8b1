package io.github.distlock.backend.redis;

import java.time.Duration;

import io.github.distlock.LockBackendException;
import io.github.distlock.spi.AbstractBackendLock;
import io.github.distlock.spi.ExpiringBackendLock;

/**
 * A lock entry in Redis whose value is this lease's holder id; renewal and release
 * compare that value first, so a lease never extends or deletes another holder's lock.
 */
final class RedisLock extends AbstractBackendLock implements ExpiringBackendLock {

	/**
	 * Renewal runs on the generic layer's shared scheduler, so even a generous call is
	 * kept short.
	 */
	private static final Duration MIN_RENEW_TIMEOUT = Duration.ofMillis(50);

	private final RedisLockCommands commands;

	private final String encodedKey;

	private final String holder;

	private final long ttlMillis;

	private final Duration renewTimeout;

	private final ReconnectCheck reconnects;

	private volatile boolean releasedToAllWaiters;

	RedisLock(RedisLockCommands commands, ReconnectCheck reconnects, String encodedKey, String holder, long ttlMillis,
			long fencingToken, long sentAtNanos) {
		super(fencingToken, sentAtNanos);
		this.commands = commands;
		this.reconnects = reconnects;
		this.encodedKey = encodedKey;
		this.holder = holder;
		this.ttlMillis = ttlMillis;
		// A renewal answered after a third of the ttl is no use: the next one is due by
		// then.
		Duration third = Duration.ofMillis(Math.max(1, ttlMillis / 3));
		Duration bounded = (third.compareTo(MIN_RENEW_TIMEOUT) < 0) ? MIN_RENEW_TIMEOUT : third;
		this.renewTimeout = (bounded.compareTo(commands.timeout()) < 0) ? bounded : commands.timeout();
		reconnects.track(this);
	}

	/**
	 * Renews at once, asynchronously, after a reconnect: reports the loss when Redis no
	 * longer holds the entry for us.
	 */
	void recheck() {
		long sentAt = System.nanoTime();
		this.commands.renewAsync(this.encodedKey, this.holder, this.ttlMillis).whenComplete((extended, failure) -> {
			if (failure != null) {
				// Unreachable again: the renewals and the validity deadline take it from
				// here.
				return;
			}
			if (extended) {
				confirmed(sentAt);
			}
			else {
				this.reconnects.untrack(this);
				reportLost("Redis no longer held the lock when the connection was re-established (a restart without "
						+ "persistence, or a failover to a replica that had not received it, forgot it)");
			}
		});
	}

	@Override
	public boolean renew() throws InterruptedException {
		long sentAt = System.nanoTime();
		if (this.commands.renew(this.encodedKey, this.holder, this.ttlMillis, this.renewTimeout)) {
			confirmed(sentAt);
			return true;
		}
		return false;
	}

	/**
	 * Waits at most the ttl for the answer: later, the entry has expired anyway.
	 */
	@Override
	public boolean expireAfter(Duration remaining) throws InterruptedException {
		// The renewal script is a compare-and-PEXPIRE: with the remainder instead of the
		// ttl it hands the end of the hold to Redis.
		return this.commands.renew(this.encodedKey, this.holder, Math.max(1, remaining.toMillis()), this.renewTimeout);
	}

	@Override
	public boolean release() {
		this.reconnects.untrack(this);
		try {
			RedisLockCommands.Released released = this.commands.release(this.encodedKey, this.holder,
					Duration.ofMillis(this.ttlMillis));
			this.releasedToAllWaiters = released == RedisLockCommands.Released.TO_ALL_WAITERS;
			return released.ours();
		}
		catch (LockBackendException ex) {
			throw new LockBackendException(ex.getMessage() + "; Redis frees it when its ttl expires", ex,
					ex.isTransient());
		}
	}

	/**
	 * Whether the release woke every waiter to compete (a 0.1 waiters mark). A release
	 * that reserved the lock for the waiter it woke answers {@code false}: the server
	 * keeps it for that waiter already.
	 */
	@Override
	public boolean othersWaitedAtRelease() {
		return this.releasedToAllWaiters;
	}

	@Override
	public String toString() {
		return "RedisLock[key=" + this.encodedKey + ", holder=" + this.holder + ", fencingToken=" + fencingToken()
				+ "]";
	}

}
