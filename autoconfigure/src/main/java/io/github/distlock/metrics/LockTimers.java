package io.github.distlock.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;

/**
 * The {@code distlock.wait} and {@code distlock.hold} timers, built alike whether the
 * listener or the observation handler records them.
 */
final class LockTimers {

	private LockTimers() {
	}

	static Timer.Builder builder(String name, Iterable<Tag> tags) {
		String description = MicrometerLockListener.WAIT.equals(name) ? "Time spent acquiring a distributed lock"
				: "Time a distributed lock was held";
		return Timer.builder(name).description(description).tags(tags);
	}

}
