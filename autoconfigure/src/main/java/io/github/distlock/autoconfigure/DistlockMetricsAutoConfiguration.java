package io.github.distlock.autoconfigure;

import io.github.distlock.metrics.MicrometerLockListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Records {@code distlock.wait}, {@code distlock.hold}, {@code distlock.lost} and
 * {@code distlock.active} when a {@link MeterRegistry} is present.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class DistlockMetricsAutoConfiguration {

	@Bean
	MicrometerLockListener distlockMicrometerLockListener(MeterRegistry registry) {
		return new MicrometerLockListener(registry);
	}

}
