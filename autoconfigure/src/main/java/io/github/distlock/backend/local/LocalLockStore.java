package io.github.distlock.backend.local;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The "server" of the local backend: a table of held keys with expiry, shared by every
 * {@link LocalLockBackend} built on it, so several backends in one JVM behave like
 * several clients of one server. Waiters sleep on a per-key condition and are woken by a
 * release or by the holder's expiry.
 */
public final class LocalLockStore {

	private final ReentrantLock mutex = new ReentrantLock();

	private final Map<String, Holder> holders = new HashMap<>();

	private final Map<String, Waiters> waiters = new HashMap<>();

	private final AtomicLong fencingCounter = new AtomicLong();

	/**
	 * Takes {@code key} for {@code owner} if it is free (or its holder expired), waiting
	 * up to {@code waitNanos}.
	 * @return the fencing token, or {@code -1} when the key stayed busy
	 */
	long acquire(String key, Object owner, long ttlNanos, long waitNanos) throws InterruptedException {
		long deadline = System.nanoTime() + waitNanos;
		this.mutex.lockInterruptibly();
		try {
			while (true) {
				Holder holder = liveHolder(key);
				if (holder == null) {
					long token = this.fencingCounter.incrementAndGet();
					this.holders.put(key, new Holder(owner, System.nanoTime() + ttlNanos));
					return token;
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return -1;
				}
				// Wake at the holder's expiry at the latest: nobody signals an expiry.
				long untilExpiry = Math.max(1, holder.expiresAtNanos - System.nanoTime());
				Waiters queue = this.waiters.computeIfAbsent(key, (k) -> new Waiters(this.mutex.newCondition()));
				queue.count++;
				try {
					queue.condition.awaitNanos(Math.min(remaining, untilExpiry));
				}
				finally {
					if (--queue.count == 0) {
						this.waiters.remove(key);
					}
				}
			}
		}
		finally {
			this.mutex.unlock();
		}
	}

	/**
	 * Extends {@code owner}'s hold on {@code key} by {@code ttlNanos}.
	 * @return whether {@code owner} still held the key
	 */
	boolean renew(String key, Object owner, long ttlNanos) {
		this.mutex.lock();
		try {
			Holder holder = liveHolder(key);
			if (holder == null || holder.owner != owner) {
				return false;
			}
			this.holders.put(key, new Holder(owner, System.nanoTime() + ttlNanos));
			return true;
		}
		finally {
			this.mutex.unlock();
		}
	}

	/**
	 * Frees {@code key} if {@code owner} holds it.
	 * @return whether it did
	 */
	boolean release(String key, Object owner) {
		this.mutex.lock();
		try {
			Holder holder = liveHolder(key);
			if (holder == null || holder.owner != owner) {
				return false;
			}
			free(key);
			return true;
		}
		finally {
			this.mutex.unlock();
		}
	}

	/**
	 * Frees {@code key} whoever holds it, the way an operator deletes a lock on a real
	 * server.
	 * @return the owner that held it, or {@code null}
	 */
	@Nullable Object forceRelease(String key) {
		this.mutex.lock();
		try {
			Holder holder = liveHolder(key);
			if (holder != null) {
				free(key);
				return holder.owner;
			}
			return null;
		}
		finally {
			this.mutex.unlock();
		}
	}

	private @Nullable Holder liveHolder(String key) {
		Holder holder = this.holders.get(key);
		if (holder != null && System.nanoTime() - holder.expiresAtNanos >= 0) {
			this.holders.remove(key);
			return null;
		}
		return holder;
	}

	private void free(String key) {
		this.holders.remove(key);
		Waiters queue = this.waiters.get(key);
		if (queue != null) {
			queue.condition.signal();
		}
	}

	/**
	 * Whether anyone holds {@code key} now.
	 */
	boolean isHeld(String key) {
		this.mutex.lock();
		try {
			return liveHolder(key) != null;
		}
		finally {
			this.mutex.unlock();
		}
	}

	private record Holder(Object owner, long expiresAtNanos) {
	}

	private static final class Waiters {

		final Condition condition;

		int count;

		Waiters(Condition condition) {
			this.condition = condition;
		}

	}

}
