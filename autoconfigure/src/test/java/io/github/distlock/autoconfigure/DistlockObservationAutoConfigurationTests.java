package io.github.distlock.autoconfigure;

import java.util.List;

import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.metrics.DefaultDistlockObservationConvention;
import io.github.distlock.metrics.DistlockMeterObservationHandler;
import io.github.distlock.metrics.DistlockObservationContext;
import io.github.distlock.metrics.DistlockObservationConvention;
import io.github.distlock.metrics.ObservationLockObserver;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Boot's Observation support, distlock's timers come from its observations
 * with the names and tags they had before; without it, from the listener, unchanged.
 */
class DistlockObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
						SimpleMetricsExportAutoConfiguration.class, ObservationAutoConfiguration.class,
						DistlockObservationAutoConfiguration.class, DistlockMetricsAutoConfiguration.class,
						DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class))
		.withPropertyValues("distlock.backend=local");

	@Test
	void withObservationsTheTimersKeepTheirNamesAndTags() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ObservationLockObserver.class)
				.hasSingleBean(DistlockMeterObservationHandler.class);
			lockOnce(context.getBean(LockTemplate.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertTimersAsBefore(registry);
			assertThat(registry.find("distlock.wait.active").meters()).as("no default handler timers").isEmpty();
		});
	}

	@Test
	void withoutAnObservationRegistryTheListenerRecordsTheSameTimers() {
		this.runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(ObservationLockObserver.class);
			lockOnce(context.getBean(LockTemplate.class));
			assertTimersAsBefore(context.getBean(MeterRegistry.class));
		});
	}

	@Test
	void switchingTheObservationsOffSwitchesTheTimersOffButNotTheLossCounter() {
		this.runner.withPropertyValues("management.observations.enable.distlock=false").run((context) -> {
			lockOnce(context.getBean(LockTemplate.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("distlock.wait").timers()).isEmpty();
			assertThat(registry.find("distlock.hold").timers()).isEmpty();
			assertThat(registry.get("distlock.lost").counter().count()).isZero();
		});
	}

	@Test
	void aConventionBeanReplacesTheDefaultOne() {
		this.runner.withBean(DistlockObservationConvention.class, TenantConvention::new).run((context) -> {
			lockOnce(context.getBean(LockTemplate.class));
			assertThat(context.getBean(MeterRegistry.class)
				.get("distlock.hold")
				.tags("tenant", "acme", "outcome", "released")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	private static void lockOnce(LockTemplate locks) {
		locks.execute("order:1", LockOptions.defaults().withName("orders"), () -> {
		});
	}

	private static void assertTimersAsBefore(MeterRegistry registry) {
		for (String name : List.of("distlock.wait", "distlock.hold")) {
			assertThat(registry.find(name).timers()).as(name).singleElement().satisfies((timer) -> {
				assertThat(timer.getId().getTags().stream().map(Tag::getKey)).as("tags of %s", name)
					.containsExactlyInAnyOrder("backend", "lock", "outcome");
				assertThat(timer.getId().getTag("lock")).isEqualTo("orders");
				assertThat(timer.getId().getType()).isEqualTo(Meter.Type.TIMER);
				assertThat(timer.count()).as("recorded once").isEqualTo(1);
			});
		}
		assertThat(registry.get("distlock.wait").timer().getId().getTag("outcome")).isEqualTo("acquired");
		assertThat(registry.get("distlock.hold").timer().getId().getTag("outcome")).isEqualTo("released");
		assertThat(registry.get("distlock.lost").counter().count()).isZero();
	}

	static class TenantConvention extends DefaultDistlockObservationConvention {

		@Override
		public KeyValues getLowCardinalityKeyValues(DistlockObservationContext context) {
			return super.getLowCardinalityKeyValues(context).and("tenant", "acme");
		}

	}

}
