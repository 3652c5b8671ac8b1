package io.github.distlock.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of the {@code distlock.wait} and {@code distlock.hold}
 * observations. Define a bean of this type to replace
 * {@link DefaultDistlockObservationConvention}, or extend that class to change a part of
 * it.
 */
public interface DistlockObservationConvention extends ObservationConvention<DistlockObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof DistlockObservationContext;
	}

}
