package io.github.distlock.backend.redis;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.pubsub.RedisPubSubAdapter;

/**
 * Wakes this backend's waiters when a lock they wait for is released. Every waiter of the
 * backend is served by one subscription to two channels: the instance's own, on which a
 * release that chose this instance to wake publishes the encoded key it freed (other
 * instances do not receive it), and the shared channel, on which distlock 0.1 instances
 * publish their releases (the key alone), which wakes every waiter of that key.
 *
 * <p>
 * Pub/sub delivers at most once, so a waiter never relies on a message alone: it also
 * re-checks when the holder's entry expires and after a bounded time. When the
 * subscription is re-established after a reconnect, messages may have been missed
 * meanwhile, so every waiter is woken to re-check.
 */
final class ReleaseNotifications extends RedisPubSubAdapter<String, String> {

	private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();

	/**
	 * Registers interest in {@code encodedKey}. Register before the attempt that may
	 * fail, so that a release right after it is not missed.
	 */
	Waiter register(String encodedKey) {
		Waiter waiter = new Waiter();
		this.waiters.compute(encodedKey, (key, existing) -> {
			Set<Waiter> set = (existing != null) ? existing : ConcurrentHashMap.newKeySet();
			set.add(waiter);
			return set;
		});
		return waiter;
	}

	void unregister(String encodedKey, Waiter waiter) {
		this.waiters.computeIfPresent(encodedKey, (key, set) -> {
			set.remove(waiter);
			return set.isEmpty() ? null : set;
		});
	}

	@Override
	public void message(String channel, String encodedKey) {
		Set<Waiter> set = this.waiters.get(encodedKey);
		if (set != null) {
			set.forEach(Waiter::wake);
		}
	}

	@Override
	public void subscribed(String channel, long count) {
		wakeAll();
	}

	/**
	 * Wakes every waiter, for example when the backend closes.
	 */
	void wakeAll() {
		this.waiters.values().forEach((set) -> set.forEach(Waiter::wake));
	}

	/**
	 * One waiting acquisition: woken by a release of its key, or by a re-subscription.
	 */
	static final class Waiter {

		private final Semaphore signal = new Semaphore(0);

		void wake() {
			// One pending wake-up is enough; the check-then-release race only adds a
			// spurious one.
			if (this.signal.availablePermits() == 0) {
				this.signal.release();
			}
		}

		/**
		 * Forgets wake-ups received so far: the attempt about to be made sees their
		 * effect.
		 */
		void clear() {
			this.signal.drainPermits();
		}

		/**
		 * @return whether woken before the time elapsed
		 */
		boolean await(long nanos) throws InterruptedException {
			return this.signal.tryAcquire(nanos, TimeUnit.NANOSECONDS);
		}

	}

}
