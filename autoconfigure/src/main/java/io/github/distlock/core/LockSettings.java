package io.github.distlock.core;

import java.time.Duration;
import java.util.Objects;

import io.github.distlock.LostLockPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The defaults that complete a {@link io.github.distlock.LockOptions}, and the timing
 * rules derived from a ttl.
 *
 * @param defaultTtl ttl used when the options give none
 * @param defaultWaitTime wait time used when the options give none
 * @param lostPolicy lost-lock policy used when the options give none
 * @param safetyMargin how much earlier than the server the local validity deadline ends;
 * capped at a fifth of the ttl
 * @param renewalInterval fixed renewal interval, or {@code null} for a third of the ttl
 * @param schedulerThreads threads of the shared renewal and deadline scheduler
 */
public record LockSettings(Duration defaultTtl, Duration defaultWaitTime, LostLockPolicy lostPolicy,
		Duration safetyMargin, @Nullable Duration renewalInterval, int schedulerThreads) {

	/**
	 * Validates the settings.
	 */
	public LockSettings {
		Objects.requireNonNull(defaultTtl, "defaultTtl");
		Objects.requireNonNull(defaultWaitTime, "defaultWaitTime");
		Objects.requireNonNull(lostPolicy, "lostPolicy");
		Objects.requireNonNull(safetyMargin, "safetyMargin");
		if (defaultTtl.isNegative() || defaultTtl.isZero()) {
			throw new IllegalArgumentException("defaultTtl must be positive, but was " + defaultTtl);
		}
		if (defaultWaitTime.isNegative()) {
			throw new IllegalArgumentException("defaultWaitTime must not be negative, but was " + defaultWaitTime);
		}
		if (safetyMargin.isNegative()) {
			throw new IllegalArgumentException("safetyMargin must not be negative, but was " + safetyMargin);
		}
		if (renewalInterval != null && (renewalInterval.isNegative() || renewalInterval.isZero())) {
			throw new IllegalArgumentException("renewalInterval must be positive, but was " + renewalInterval);
		}
		if (schedulerThreads < 1) {
			throw new IllegalArgumentException("schedulerThreads must be at least 1, but was " + schedulerThreads);
		}
	}

	/**
	 * Settings with the built-in defaults: ttl 30s, wait 0s, policy LOG, margin 100ms,
	 * renewal at ttl/3, 2 scheduler threads.
	 */
	public static LockSettings defaults() {
		return new LockSettings(Duration.ofSeconds(30), Duration.ZERO, LostLockPolicy.LOG, Duration.ofMillis(100), null,
				2);
	}

	/**
	 * The safety margin applied to a lease with the given ttl.
	 */
	public long marginNanos(Duration ttl) {
		return Math.min(this.safetyMargin.toNanos(), ttl.toNanos() / 5);
	}

	/**
	 * The renewal interval for a lease with the given ttl: a third of the ttl, or the
	 * configured interval when that is shorter than half of the local validity window.
	 */
	public long renewalIntervalNanos(Duration ttl) {
		long third = Math.max(1, ttl.toNanos() / 3);
		if (this.renewalInterval == null) {
			return third;
		}
		long halfValidity = Math.max(1, (ttl.toNanos() - marginNanos(ttl)) / 2);
		return Math.min(this.renewalInterval.toNanos(), Math.max(third, halfValidity));
	}

}
