package io.github.distlock.metrics;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.core.LockListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

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

	private final ConcurrentHashMap<ActiveKey, AtomicInteger> active = new ConcurrentHashMap<>();

	/**
	 * Creates the listener on a registry.
	 */
	public MicrometerLockListener(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void acquireFinished(LockInfo lock, AcquireOutcome outcome, long waitNanos) {
		Timer.builder(WAIT)
			.description("Time spent acquiring a distributed lock")
			.tag("backend", lock.backend())
			.tag("lock", lock.name())
			.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.register(this.registry)
			.record(waitNanos, TimeUnit.NANOSECONDS);
		if (outcome == AcquireOutcome.ACQUIRED) {
			activeCount(lock).incrementAndGet();
		}
	}

	@Override
	public void released(LockInfo lock, boolean lost, long holdNanos) {
		Timer.builder(HOLD)
			.description("Time a distributed lock was held")
			.tag("backend", lock.backend())
			.tag("lock", lock.name())
			.tag("outcome", lost ? "lost" : "released")
			.register(this.registry)
			.record(holdNanos, TimeUnit.NANOSECONDS);
		activeCount(lock).decrementAndGet();
	}

	@Override
	public void lost(LockInfo lock, long fencingToken, String reason) {
		Counter.builder(LOST)
			.description("Distributed locks lost while held")
			.tag("backend", lock.backend())
			.tag("lock", lock.name())
			.register(this.registry)
			.increment();
	}

	private AtomicInteger activeCount(LockInfo lock) {
		return this.active.computeIfAbsent(new ActiveKey(lock.backend(), lock.name()), (key) -> {
			AtomicInteger count = new AtomicInteger();
			Gauge.builder(ACTIVE, count, AtomicInteger::get)
				.description("Distributed locks held now")
				.tag("backend", key.backend())
				.tag("lock", key.name())
				.register(this.registry);
			return count;
		});
	}

	private record ActiveKey(String backend, String name) {
	}

}
