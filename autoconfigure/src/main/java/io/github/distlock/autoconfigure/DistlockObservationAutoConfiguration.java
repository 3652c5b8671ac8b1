package io.github.distlock.autoconfigure;

import io.github.distlock.metrics.DistlockMeterObservationHandler;
import io.github.distlock.metrics.DistlockObservationConvention;
import io.github.distlock.metrics.ObservationLockObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Makes acquisitions and holds the {@code distlock.wait} and {@code distlock.hold}
 * Micrometer Observations when an {@link ObservationRegistry} is present: spans with
 * tracing, and the timers of the same names from {@link DistlockMeterObservationHandler}
 * when there is a {@link MeterRegistry} too. A {@link DistlockObservationConvention} bean
 * replaces the default names and key values.
 */
@AutoConfiguration(before = { DistlockAutoConfiguration.class, DistlockMetricsAutoConfiguration.class }, afterName = {
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
public final class DistlockObservationAutoConfiguration {

	@Bean
	ObservationLockObserver distlockObservationLockObserver(ObservationRegistry registry,
			ObjectProvider<DistlockObservationConvention> convention) {
		return new ObservationLockObserver(registry, convention.getIfUnique());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterRegistry.class, MeterObservationHandler.class })
	@ConditionalOnBean(MeterRegistry.class)
	static class MeterHandlerConfiguration {

		// First among the meter handlers, which Spring Boot asks in order: distlock's
		// observations get their timers from this one, not from Micrometer's default.
		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		DistlockMeterObservationHandler distlockMeterObservationHandler(MeterRegistry registry) {
			return new DistlockMeterObservationHandler(registry);
		}

	}

}
