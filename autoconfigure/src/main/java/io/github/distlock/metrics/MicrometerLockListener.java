package io.github.distlock.metrics;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.core.LockListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Records lock activity in Micrometer:
 * <ul>
 * <li>{@code distlock.wait} timer: time spent acquiring; tags {@code backend},
 * {@code lock}, {@code outcome} = {@code acquired | timeout | error};</li>
 * <li>{@code distlock.hold} timer: time held; tags {@code backend}, {@code lock},
 * {@code outcome} = {@code released | lost};</li>
 * <li>{@code distlock.lost} counter: locks lost while held; tags {@code backend},
 * {@code lock};</li>
 * <li>{@code distlock.active} gauge: locks held now; tags {@code backend},
 * {@code lock}.</li>
 * </ul>
 * The {@code lock} tag is the lock's name, never its evaluated key, so tags stay
 * low-cardinality.
 */
public final class MicrometerLockListener implements LockListener {

	/** Time spent acquiring. */
	public static final String WAIT = "distlock.wait";

	/** Time held. */
	public static final String HOLD = "distlock.hold";

	/** Locks lost while held. */
	public static final String LOST = "distlock.lost";

	/** Locks held now. */
	public static final String ACTIVE = "distlock.active";

	private final MeterRegistry registry;

	private final boolean recordTimers;

	private final ConcurrentHashMap<LockMeters.Key, LockMeters> meters = new ConcurrentHashMap<>();

	/**
	 * Creates the listener on a registry.
	 */
	public MicrometerLockListener(MeterRegistry registry) {
		this(registry, true);
	}

	/**
	 * Creates the listener on a registry.
	 * @param recordTimers whether it records the {@code distlock.wait} and
	 * {@code distlock.hold} timers; {@code false} where the
	 * {@link DistlockMeterObservationHandler} records them from the observations
	 */
	public MicrometerLockListener(MeterRegistry registry, boolean recordTimers) {
		this.registry = registry;
		this.recordTimers = recordTimers;
	}

	@Override
	public void acquireFinished(LockInfo lock, AcquireOutcome outcome, long waitNanos) {
		if (this.recordTimers) {
			record(WAIT, lock, outcome.name().toLowerCase(Locale.ROOT), waitNanos);
		}
		LockMeters meters = meters(lock);
		if (outcome == AcquireOutcome.ACQUIRED) {
			meters.active.incrementAndGet();
		}
	}

	@Override
	public void released(LockInfo lock, boolean lost, long holdNanos) {
		if (this.recordTimers) {
			record(HOLD, lock, lost ? "lost" : "released", holdNanos);
		}
		meters(lock).active.decrementAndGet();
	}

	@Override
	public void lost(LockInfo lock, long fencingToken, String reason) {
		meters(lock).lost.increment();
	}

	private void record(String name, LockInfo lock, String outcome, long nanos) {
		LockTimers.builder(name, Tags.of("backend", lock.backend(), "lock", lock.name(), "outcome", outcome))
			.register(this.registry)
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * The lock's gauge and loss counter, registered at its first acquisition attempt, so
	 * that an alert on {@code distlock.lost} has a series (at 0) before any loss.
	 */
	private LockMeters meters(LockInfo lock) {
		return this.meters.computeIfAbsent(new LockMeters.Key(lock.backend(), lock.name()), (key) -> {
			AtomicInteger count = new AtomicInteger();
			Gauge.builder(ACTIVE, count, AtomicInteger::get)
				.description("Distributed locks held now")
				.tag("backend", key.backend())
				.tag("lock", key.name())
				.register(this.registry);
			Counter lost = Counter.builder(LOST)
				.description("Distributed locks lost while held")
				.tag("backend", key.backend())
				.tag("lock", key.name())
				.register(this.registry);
			return new LockMeters(count, lost);
		});
	}

	private record LockMeters(AtomicInteger active, Counter lost) {

		private record Key(String backend, String name) {
		}

	}

}
