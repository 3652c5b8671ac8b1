package io.github.distlock.metrics;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

/**
 * Records the {@code distlock.wait} and {@code distlock.hold} timers from their
 * observations, with the same names and tags as without observations: the low-cardinality
 * key values except {@code exception}, which would add a tag to the failed waits' series
 * only. It supports distlock's observations alone; ordered first among the meter
 * handlers, it keeps Micrometer's default handler (which would add an {@code error} tag
 * and {@code .active} timers) away from them.
 */
public final class DistlockMeterObservationHandler implements MeterObservationHandler<DistlockObservationContext> {

	private final MeterRegistry registry;

	/**
	 * Creates the handler on a registry.
	 */
	public DistlockMeterObservationHandler(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof DistlockObservationContext;
	}

	@Override
	public void onStart(DistlockObservationContext context) {
		context.put(Timer.Sample.class, Timer.start(this.registry));
	}

	@Override
	public void onStop(DistlockObservationContext context) {
		Timer.Sample sample = context.getRequired(Timer.Sample.class);
		List<Tag> tags = new ArrayList<>();
		for (KeyValue value : context.getLowCardinalityKeyValues()) {
			if (!DefaultDistlockObservationConvention.EXCEPTION.equals(value.getKey())) {
				tags.add(Tag.of(value.getKey(), value.getValue()));
			}
		}
		sample.stop(LockTimers.builder(context.getName(), tags).register(this.registry));
	}

}
