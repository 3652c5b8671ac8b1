package io.github.distlock.autoconfigure;

import io.github.distlock.metrics.DistlockMeterObservationHandler;
import io.github.distlock.metrics.MicrometerLockListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Records {@code distlock.wait}, {@code distlock.hold}, {@code distlock.lost} and
 * {@code distlock.active} when a {@link MeterRegistry} is present; the two timers come
 * from the observations instead where {@link DistlockObservationAutoConfiguration} made
 * them observations.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class DistlockMetricsAutoConfiguration {

	@Bean
	MicrometerLockListener distlockMicrometerLockListener(MeterRegistry registry,
			ObjectProvider<DistlockMeterObservationHandler> observationTimers) {
		return new MicrometerLockListener(registry, observationTimers.getIfAvailable() == null);
	}

}
