package io.github.distlock.autoconfigure;

import java.time.Duration;

import io.github.distlock.LostLockPolicy;
import io.github.distlock.core.LockSettings;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;

/**
 * Configuration of distlock, under {@code distlock.*}.
 */
@ConfigurationProperties("distlock")
public class DistlockProperties {

	/**
	 * Default order of the @DistributedLock advisor: just outside a
	 * default-ordered @Transactional.
	 */
	public static final int DEFAULT_ASPECT_ORDER = Ordered.LOWEST_PRECEDENCE - 1;

	/**
	 * Shortest {@code distlock.default-ttl}.
	 */
	public static final Duration MIN_DEFAULT_TTL = Duration.ofSeconds(1);

	/**
	 * Lock server to use. When unset, the single backend whose client and connection are
	 * present is used; startup fails when there is none or more than one.
	 */
	private @Nullable BackendType backend;

	/**
	 * Lease time of locks that do not set a ttl: how long a lock survives its holder's
	 * crash.
	 */
	private Duration defaultTtl = Duration.ofSeconds(30);

	/**
	 * Wait time of locks that do not set one; zero tries once.
	 */
	private Duration defaultWaitTime = Duration.ZERO;

	/**
	 * What happens to code running under a lock that is lost.
	 */
	private LostLockPolicy lostPolicy = LostLockPolicy.LOG;

	/**
	 * How much earlier than the server the local validity of a lease ends, to absorb
	 * clock drift and network delay; capped at a fifth of the ttl.
	 */
	private Duration safetyMargin = Duration.ofMillis(100);

	/**
	 * Interval between lease renewals; when unset, a third of each lock's ttl.
	 */
	private @Nullable Duration renewalInterval;

	/**
	 * Threads of the shared scheduler that renews leases and checks their deadlines.
	 */
	private int schedulerThreads = 2;

	/**
	 * Order of the @DistributedLock advisor; keep it lower than the transaction advisor's
	 * so the lock is released after the transaction ends.
	 */
	private int aspectOrder = DEFAULT_ASPECT_ORDER;

	/**
	 * Whether startup fails when the lock server cannot be reached; when false, the
	 * application starts, the health check is DOWN and acquisitions fail until the server
	 * answers.
	 */
	private boolean verifyOnStartup = true;

	private final Shutdown shutdown = new Shutdown();

	private final Handoff handoff = new Handoff();

	public @Nullable BackendType getBackend() {
		return this.backend;
	}

	public void setBackend(@Nullable BackendType backend) {
		this.backend = backend;
	}

	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(Duration defaultTtl) {
		if (defaultTtl.compareTo(MIN_DEFAULT_TTL) < 0) {
			// Shorter leases renew every few milliseconds, and etcd and Consul cannot
			// grant them at all.
			throw new InvalidPropertyValueException("distlock.default-ttl", null,
					"distlock.default-ttl must be a positive duration of at least 1s, but was " + text(defaultTtl),
					"a duration of 1s or more", "30s");
		}
		this.defaultTtl = defaultTtl;
	}

	public Duration getDefaultWaitTime() {
		return this.defaultWaitTime;
	}

	public void setDefaultWaitTime(Duration defaultWaitTime) {
		if (defaultWaitTime.isNegative()) {
			throw new InvalidPropertyValueException("distlock.default-wait-time", null,
					"distlock.default-wait-time must be zero or a positive duration, but was " + text(defaultWaitTime),
					"a duration of 0s (try once) or more", "2s");
		}
		this.defaultWaitTime = defaultWaitTime;
	}

	public LostLockPolicy getLostPolicy() {
		return this.lostPolicy;
	}

	public void setLostPolicy(LostLockPolicy lostPolicy) {
		this.lostPolicy = lostPolicy;
	}

	public Duration getSafetyMargin() {
		return this.safetyMargin;
	}

	public void setSafetyMargin(Duration safetyMargin) {
		if (safetyMargin.isNegative()) {
			throw new InvalidPropertyValueException("distlock.safety-margin", null,
					"distlock.safety-margin must be zero or a positive duration, but was " + text(safetyMargin),
					"a duration of 0s or more (at most a fifth of each ttl is used)", "100ms");
		}
		this.safetyMargin = safetyMargin;
	}

	public @Nullable Duration getRenewalInterval() {
		return this.renewalInterval;
	}

	public void setRenewalInterval(@Nullable Duration renewalInterval) {
		if (renewalInterval != null && (renewalInterval.isNegative() || renewalInterval.isZero())) {
			throw new InvalidPropertyValueException("distlock.renewal-interval", null,
					"distlock.renewal-interval must be a positive duration, but was " + text(renewalInterval),
					"a duration of more than 0s, or no value for a third of each ttl", "5s");
		}
		this.renewalInterval = renewalInterval;
	}

	public int getSchedulerThreads() {
		return this.schedulerThreads;
	}

	public void setSchedulerThreads(int schedulerThreads) {
		if (schedulerThreads < 1) {
			throw new InvalidPropertyValueException("distlock.scheduler-threads", null,
					"distlock.scheduler-threads must be at least 1, but was " + schedulerThreads, "1 or more", "2");
		}
		this.schedulerThreads = schedulerThreads;
	}

	public int getAspectOrder() {
		return this.aspectOrder;
	}

	public void setAspectOrder(int aspectOrder) {
		this.aspectOrder = aspectOrder;
	}

	public boolean isVerifyOnStartup() {
		return this.verifyOnStartup;
	}

	public void setVerifyOnStartup(boolean verifyOnStartup) {
		this.verifyOnStartup = verifyOnStartup;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Handoff getHandoff() {
		return this.handoff;
	}

	/**
	 * A duration as users write it: {@code -1s} rather than {@code PT-1S}.
	 */
	static String text(Duration duration) {
		if (duration.isZero()) {
			return "0s";
		}
		if (duration.getNano() % 1_000_000 != 0) {
			return duration.toString();
		}
		return (duration.getNano() == 0) ? duration.getSeconds() + "s" : duration.toMillis() + "ms";
	}

	/**
	 * How a lock passes between this instance's threads: when a thread releases a lock
	 * that another thread here waits for, it stays held on the server and goes to that
	 * thread with a new, larger fencing token, saving two round trips; after
	 * {@code max-count} hand-overs, or {@code max-time} after the server acquisition, it
	 * is released on the server so that other instances get their turn.
	 */
	public static class Handoff {

		/**
		 * Hand-overs per server acquisition; 0 turns hand-over off (every holder then
		 * acquires and releases on the server).
		 */
		private int maxCount = 16;

		/**
		 * How long after the server acquisition a hand-over may still happen.
		 */
		private Duration maxTime = Duration.ofMillis(50);

		public int getMaxCount() {
			return this.maxCount;
		}

		public void setMaxCount(int maxCount) {
			if (maxCount < 0 || maxCount > LockSettings.Handoff.MAX_COUNT) {
				throw new InvalidPropertyValueException(
						"distlock.handoff.max-count", null, "distlock.handoff.max-count must be between 0 and "
								+ LockSettings.Handoff.MAX_COUNT + ", but was " + maxCount,
						"0 (off) to " + LockSettings.Handoff.MAX_COUNT, "16");
			}
			this.maxCount = maxCount;
		}

		public Duration getMaxTime() {
			return this.maxTime;
		}

		public void setMaxTime(Duration maxTime) {
			if (maxTime.isNegative()) {
				throw new InvalidPropertyValueException("distlock.handoff.max-time", null,
						"distlock.handoff.max-time must be zero (off) or a positive duration, but was " + text(maxTime),
						"a duration of 0s (off) or more", "50ms");
			}
			this.maxTime = maxTime;
		}

	}

	/**
	 * What distlock does when the application shuts down.
	 */
	public static class Shutdown {

		/**
		 * How long shutdown waits for running locked methods (and other held locks) to
		 * release their locks, after it stopped granting new ones; then the locks still
		 * held are reported lost and released.
		 */
		private Duration gracePeriod = Duration.ofSeconds(10);

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			if (gracePeriod.isNegative()) {
				throw new InvalidPropertyValueException("distlock.shutdown.grace-period", null,
						"distlock.shutdown.grace-period must be zero or a positive duration, but was "
								+ text(gracePeriod),
						"a duration of 0s (release at once) or more", "10s");
			}
			this.gracePeriod = gracePeriod;
		}

	}

	/**
	 * The generic layer's settings these properties describe.
	 */
	public LockSettings toSettings() {
		return new LockSettings(this.defaultTtl, this.defaultWaitTime, this.lostPolicy, this.safetyMargin,
				this.renewalInterval, this.schedulerThreads,
				new LockSettings.Handoff(this.handoff.maxCount, this.handoff.maxTime));
	}

}
