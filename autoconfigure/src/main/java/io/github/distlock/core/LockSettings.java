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
 * @param handoff how far a lock held on the backend is handed from one of this JVM's
 * threads to the next without a round trip
 */
public record LockSettings(Duration defaultTtl, Duration defaultWaitTime, LostLockPolicy lostPolicy,
		Duration safetyMargin, @Nullable Duration renewalInterval, int schedulerThreads, Handoff handoff) {

	/**
	 * Settings with the default {@link Handoff}.
	 * @param defaultTtl ttl used when the options give none
	 * @param defaultWaitTime wait time used when the options give none
	 * @param lostPolicy lost-lock policy used when the options give none
	 * @param safetyMargin how much earlier than the server the local validity deadline
	 * ends
	 * @param renewalInterval fixed renewal interval, or {@code null} for a third of the
	 * ttl
	 * @param schedulerThreads threads of the shared renewal and deadline scheduler
	 */
	public LockSettings(Duration defaultTtl, Duration defaultWaitTime, LostLockPolicy lostPolicy, Duration safetyMargin,
			@Nullable Duration renewalInterval, int schedulerThreads) {
		this(defaultTtl, defaultWaitTime, lostPolicy, safetyMargin, renewalInterval, schedulerThreads, Handoff.DEFAULT);
	}

	/**
	 * Validates the settings.
	 */
	public LockSettings {
		Objects.requireNonNull(defaultTtl, "defaultTtl");
		Objects.requireNonNull(defaultWaitTime, "defaultWaitTime");
		Objects.requireNonNull(lostPolicy, "lostPolicy");
		Objects.requireNonNull(safetyMargin, "safetyMargin");
		Objects.requireNonNull(handoff, "handoff");
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

	/**
	 * These settings with other {@link Handoff} bounds.
	 * @param bounds the bounds
	 * @return the settings
	 */
	public LockSettings withHandoff(Handoff bounds) {
		return new LockSettings(this.defaultTtl, this.defaultWaitTime, this.lostPolicy, this.safetyMargin,
				this.renewalInterval, this.schedulerThreads, bounds);
	}

	/**
	 * How far a lock is handed over locally: when a thread releases a lock that another
	 * thread of this JVM waits for, the lock stays held on the backend and passes to that
	 * thread, with a new, larger fencing token and no round trip, until {@code maxCount}
	 * hand-overs or {@code maxTime} since the backend acquisition; then it is released on
	 * the backend, so that other instances get their turn.
	 *
	 * @param maxCount hand-overs per backend acquisition; 0 turns hand-over off; at most
	 * {@value #MAX_COUNT}
	 * @param maxTime how long after the backend acquisition a hand-over may still happen
	 */
	public record Handoff(int maxCount, Duration maxTime) {

		/** The most hand-overs one backend acquisition can number in its tokens. */
		public static final int MAX_COUNT = (1 << FencingTokens.LOCAL_BITS) - 1;

		/** 16 hand-overs within 50 ms. */
		public static final Handoff DEFAULT = new Handoff(16, Duration.ofMillis(50));

		/** No hand-over: every holder acquires and releases on the backend. */
		public static final Handoff OFF = new Handoff(0, Duration.ZERO);

		/**
		 * Validates the bounds.
		 */
		public Handoff {
			Objects.requireNonNull(maxTime, "maxTime");
			if (maxCount < 0 || maxCount > MAX_COUNT) {
				throw new IllegalArgumentException(
						"handoff maxCount must be between 0 and " + MAX_COUNT + ", but was " + maxCount);
			}
			if (maxTime.isNegative()) {
				throw new IllegalArgumentException("handoff maxTime must not be negative, but was " + maxTime);
			}
		}

		boolean enabled() {
			return this.maxCount > 0 && !this.maxTime.isZero();
		}

	}

}
