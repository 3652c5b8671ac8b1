package io.github.distlock.it.servers;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A bounded poll: re-checks a condition at a short interval until it holds or a deadline
 * passes.
 */
final class Poll {

	private Poll() {
	}

	/**
	 * Returns whether {@code condition} became true within {@code timeout}; checks at
	 * least once.
	 */
	static boolean until(Duration timeout, Duration interval, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			if (condition.getAsBoolean()) {
				return true;
			}
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			LockSupport.parkNanos(interval.toNanos());
			if (Thread.currentThread().isInterrupted()) {
				throw new IllegalStateException("Interrupted while waiting");
			}
		}
	}

}
