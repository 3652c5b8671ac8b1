package io.github.distlock.metrics;

import java.util.Locale;

import io.github.distlock.core.LockListener.AcquireOutcome;
import io.github.distlock.core.LockListener.LockInfo;
import io.github.distlock.core.LockObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Makes each acquisition a {@code distlock.wait} observation and each hold a
 * {@code distlock.hold} observation, both started on the calling thread, so that with
 * tracing they are spans nested in the caller's span; the hold is current while the
 * locked code runs, so that the code's own spans nest in it.
 */
public final class ObservationLockObserver implements LockObserver {

	private final ObservationRegistry registry;

	private final @Nullable DistlockObservationConvention convention;

	/**
	 * Creates the observer.
	 * @param convention replaces {@link DefaultDistlockObservationConvention} when given
	 */
	public ObservationLockObserver(ObservationRegistry registry, @Nullable DistlockObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public Acquisition acquisitionStarted(LockInfo lock) {
		if (this.registry.isNoop()) {
			return Acquisition.NONE;
		}
		DistlockObservationContext context = new DistlockObservationContext(DistlockObservationContext.Kind.WAIT, lock);
		Observation wait = observation(context).start();
		return new Acquisition() {

			@Override
			public Holding acquired(long fencingToken) {
				context.setOutcome(outcome(AcquireOutcome.ACQUIRED));
				context.setFencingToken(fencingToken);
				wait.stop();
				return hold(lock, fencingToken);
			}

			@Override
			public void notAcquired(AcquireOutcome outcome, @Nullable Throwable error) {
				context.setOutcome(outcome(outcome));
				if (error != null) {
					wait.error(error);
				}
				wait.stop();
			}

		};
	}

	private Holding hold(LockInfo lock, long fencingToken) {
		DistlockObservationContext context = new DistlockObservationContext(DistlockObservationContext.Kind.HOLD, lock);
		context.setFencingToken(fencingToken);
		Observation hold = observation(context).start();
		return new Holding() {

			@Override
			public Scope openScope() {
				Observation.Scope scope = hold.openScope();
				return scope::close;
			}

			@Override
			public void lost(String reason) {
				hold.event(Observation.Event.of("distlock.lost", "lock lost: " + reason));
			}

			@Override
			public void released(boolean lost) {
				context.setOutcome(lost ? "lost" : "released");
				hold.stop();
			}

		};
	}

	private Observation observation(DistlockObservationContext context) {
		// Created by name, so that ObservationPredicates
		// (management.observations.enable.*)
		// see distlock.wait or distlock.hold: the conventions leave the name to the
		// context.
		return Observation.createNotStarted(context.getName(), () -> context, this.registry)
			.observationConvention(
					(this.convention != null) ? this.convention : DefaultDistlockObservationConvention.INSTANCE);
	}

	private static String outcome(AcquireOutcome outcome) {
		return outcome.name().toLowerCase(Locale.ROOT);
	}

}
