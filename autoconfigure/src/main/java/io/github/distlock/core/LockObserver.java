package io.github.distlock.core;

import io.github.distlock.core.LockListener.AcquireOutcome;
import io.github.distlock.core.LockListener.LockInfo;
import org.jspecify.annotations.Nullable;

/**
 * Follows each acquisition and the hold it leads to from beginning to end, where a
 * {@link LockListener} only hears how they ended: what traces need, with the wait and the
 * hold nested in the caller's work. The Micrometer Observation support attaches here; the
 * generic layer knows nothing of it.
 */
public interface LockObserver {

	/**
	 * Observes nothing.
	 */
	LockObserver NONE = (lock) -> Acquisition.NONE;

	/**
	 * An acquisition begins, on the acquiring thread, before it waits.
	 */
	Acquisition acquisitionStarted(LockInfo lock);

	/**
	 * One acquisition attempt; exactly one of its methods is called, once.
	 */
	interface Acquisition {

		/**
		 * Observes nothing.
		 */
		Acquisition NONE = new Acquisition() {

			@Override
			public Holding acquired(long fencingToken) {
				return Holding.NONE;
			}

			@Override
			public void notAcquired(AcquireOutcome outcome, @Nullable Throwable error) {
			}

		};

		/**
		 * The lock was acquired; the hold begins now, on the acquiring thread.
		 */
		Holding acquired(long fencingToken);

		/**
		 * The attempt ended without the lock: it stayed busy ({@code TIMEOUT}), or the
		 * backend failed or the thread was interrupted ({@code ERROR}, with the error).
		 */
		void notAcquired(AcquireOutcome outcome, @Nullable Throwable error);

	}

	/**
	 * One hold of a lock, from acquisition to release.
	 */
	interface Holding {

		/**
		 * Observes nothing.
		 */
		Holding NONE = new Holding() {

			@Override
			public Scope openScope() {
				return () -> {
				};
			}

			@Override
			public void lost(String reason) {
			}

			@Override
			public void released(boolean lost) {
			}

		};

		/**
		 * Makes the hold current on this thread while the locked code runs, so that the
		 * code's own work nests in it.
		 */
		Scope openScope();

		/**
		 * The lock was lost while held.
		 */
		void lost(String reason);

		/**
		 * The hold ended; {@code lost} tells whether the lock had been lost meanwhile.
		 */
		void released(boolean lost);

	}

	/**
	 * The time a hold is current on a thread.
	 */
	@FunctionalInterface
	interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
