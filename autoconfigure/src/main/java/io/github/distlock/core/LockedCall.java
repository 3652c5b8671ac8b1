package io.github.distlock.core;

import io.github.distlock.LockLostException;
import io.github.distlock.LostLockPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Code run under a held lock, and the lost-lock policy applied to it: {@code log} lets it
 * finish, {@code interrupt} interrupts its thread (the flag is cleared again when it
 * returns), {@code throw} throws {@link LockLostException} once it has returned.
 */
final class LockedCall {

	private LockedCall() {
	}

	/**
	 * Runs {@code action} under {@code hold}, releases the hold, and applies
	 * {@code policy}.
	 */
	static <T> @Nullable T run(LockHold hold, LostLockPolicy policy, LockedAction<T> action) throws Throwable {
		ManagedLock lock = hold.lock;
		Guard guard = new Guard(Thread.currentThread(), policy);
		boolean guarded = lock.guard(guard);
		T result = null;
		Throwable failure = null;
		try (var current = CurrentLease.of(hold); var observed = lock.holding.openScope()) {
			result = action.call();
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			if (guarded) {
				lock.unguard(guard);
				guard.clearInterrupt();
			}
			hold.release();
		}
		String lostReason = lock.lostReason();
		if (lostReason != null && policy == LostLockPolicy.THROW) {
			LockLostException lost = new LockLostException(lock.info.key(), lostReason);
			if (failure != null) {
				failure.addSuppressed(lost);
				throw failure;
			}
			throw lost;
		}
		if (failure != null) {
			throw failure;
		}
		return result;
	}

	/**
	 * The call a lock's loss must reach; its methods run under the lock's monitor or on
	 * the call's thread.
	 */
	static final class Guard {

		private final Thread thread;

		private final LostLockPolicy policy;

		private volatile boolean interruptedByUs;

		Guard(Thread thread, LostLockPolicy policy) {
			this.thread = thread;
			this.policy = policy;
		}

		void lockLost() {
			if (this.policy == LostLockPolicy.INTERRUPT) {
				this.interruptedByUs = true;
				this.thread.interrupt();
			}
		}

		void clearInterrupt() {
			if (this.interruptedByUs) {
				Thread.interrupted();
			}
		}

	}

}
