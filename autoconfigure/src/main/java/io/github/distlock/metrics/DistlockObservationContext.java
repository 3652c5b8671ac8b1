package io.github.distlock.metrics;

import io.github.distlock.core.LockListener.LockInfo;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code distlock.wait} or {@code distlock.hold} observation knows of its lock,
 * for {@link DistlockObservationConvention}s and observation handlers.
 */
public final class DistlockObservationContext extends Observation.Context {

	private final Kind kind;

	private final LockInfo lock;

	private @Nullable String outcome;

	private @Nullable Long fencingToken;

	DistlockObservationContext(Kind kind, LockInfo lock) {
		this.kind = kind;
		this.lock = lock;
		setName(kind.observationName());
	}

	/**
	 * Whether this observes the wait for a lock or the time it is held.
	 */
	public Kind getKind() {
		return this.kind;
	}

	/**
	 * The lock: its key (high cardinality), name and backend.
	 */
	public LockInfo getLock() {
		return this.lock;
	}

	/**
	 * How it ended ({@code acquired}, {@code timeout} or {@code error} for a wait,
	 * {@code released} or {@code lost} for a hold), or {@code null} while it runs.
	 */
	public @Nullable String getOutcome() {
		return this.outcome;
	}

	void setOutcome(String outcome) {
		this.outcome = outcome;
	}

	/**
	 * The fencing token of the lease, once the lock is acquired.
	 */
	public @Nullable Long getFencingToken() {
		return this.fencingToken;
	}

	void setFencingToken(long fencingToken) {
		this.fencingToken = fencingToken;
	}

	/**
	 * The two observations of a lock.
	 */
	public enum Kind {

		/** {@code distlock.wait}: acquiring the lock, from the call to its outcome. */
		WAIT(MicrometerLockListener.WAIT),

		/** {@code distlock.hold}: holding the lock, from acquisition to release. */
		HOLD(MicrometerLockListener.HOLD);

		private final String observationName;

		Kind(String observationName) {
			this.observationName = observationName;
		}

		/**
		 * The observation's name, which is also its timer's.
		 */
		public String observationName() {
			return this.observationName;
		}

	}

}
