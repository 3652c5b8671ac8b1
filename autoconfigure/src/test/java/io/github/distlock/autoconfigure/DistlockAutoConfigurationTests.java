package io.github.distlock.autoconfigure;

import java.time.Duration;
import java.util.Optional;

import io.github.distlock.LockTemplate;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.aop.DistributedLockAdvisor;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.metrics.MicrometerLockListener;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class DistlockAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class, DistlockMetricsAutoConfiguration.class));

	@Test
	void localBackendWhenChosen() {
		this.runner.withPropertyValues("distlock.backend=local").run((context) -> {
			assertThat(context).hasSingleBean(LockTemplate.class).hasSingleBean(DistributedLockAdvisor.class);
			assertThat(context.getBean(LockBackend.class)).isInstanceOf(LocalLockBackend.class);
			assertThat(context).doesNotHaveBean(MicrometerLockListener.class);
		});
	}

	@Test
	void propertiesBecomeTheLockTemplatesSettings() {
		this.runner
			.withPropertyValues("distlock.backend=local", "distlock.default-ttl=10s",
					"distlock.default-wait-time=500ms", "distlock.lost-policy=throw", "distlock.safety-margin=50ms",
					"distlock.renewal-interval=2s", "distlock.scheduler-threads=3", "distlock.aspect-order=42")
			.run((context) -> {
				DefaultLockTemplate manager = context.getBean(DefaultLockTemplate.class);
				assertThat(manager.settings().defaultTtl()).isEqualTo(Duration.ofSeconds(10));
				assertThat(manager.settings().defaultWaitTime()).isEqualTo(Duration.ofMillis(500));
				assertThat(manager.settings().lostPolicy()).isEqualTo(LostLockPolicy.THROW);
				assertThat(manager.settings().safetyMargin()).isEqualTo(Duration.ofMillis(50));
				assertThat(manager.settings().renewalInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(manager.settings().schedulerThreads()).isEqualTo(3);
				assertThat(context.getBean(DistributedLockAdvisor.class).getOrder()).isEqualTo(42);
			});
	}

	@Test
	void advisorIsOrderedJustOutsideDefaultTransactions() {
		this.runner.withPropertyValues("distlock.backend=local")
			.run((context) -> assertThat(context.getBean(DistributedLockAdvisor.class).getOrder())
				.isEqualTo(Integer.MAX_VALUE - 1));
	}

	@Test
	void metricsListenerOnlyWithAMeterRegistry() {
		this.runner.withPropertyValues("distlock.backend=local")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(MicrometerLockListener.class));
		this.runner.withPropertyValues("distlock.backend=local")
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerLockListener.class));
	}

	@Test
	void userBackendWins() {
		LocalLockBackend own = new LocalLockBackend();
		this.runner.withBean(LockBackend.class, () -> own)
			.run((context) -> assertThat(context.getBean(DefaultLockTemplate.class).backendName()).isEqualTo("local"));
	}

	@Test
	void unknownBackendNameFailsNamingThePropertyAndTheValidValues() {
		this.runner.withPropertyValues("distlock.backend=nosuch").run((context) -> {
			FailureAnalysis analysis = analyze(context, new InvalidPropertyFailureAnalyzer());
			assertThat(analysis.getDescription()).contains("'nosuch'").contains("'distlock.backend'");
			assertThat(analysis.getAction()).contains("redis, etcd, zookeeper, consul, local")
				.contains("distlock:\n  backend: redis");
		});
	}

	@Test
	void invalidDurationFailsNamingThePropertyAndTheFormat() {
		this.runner.withPropertyValues("distlock.backend=local", "distlock.default-ttl=ten").run((context) -> {
			FailureAnalysis analysis = analyze(context, new InvalidPropertyFailureAnalyzer());
			assertThat(analysis.getDescription()).contains("'ten'").contains("'distlock.default-ttl'");
			assertThat(analysis.getAction()).contains("10s, 500ms").contains("default-ttl: 10s");
		});
	}

	@Test
	void nonPositiveTtlFailsWithTheReason() {
		this.runner.withPropertyValues("distlock.backend=local", "distlock.default-ttl=0s").run((context) -> {
			FailureAnalysis analysis = analyze(context, new InvalidPropertyFailureAnalyzer());
			assertThat(analysis.getDescription()).contains("distlock.default-ttl must be a positive duration");
		});
	}

	@Test
	void everyDurationPropertyIsCheckedForAUnitAndABareZeroIsAccepted() {
		assertThat(UnitlessDurations.names())
			.contains("distlock.default-ttl", "distlock.default-wait-time", "distlock.safety-margin",
					"distlock.renewal-interval", "distlock.redis.notification-timeout", "distlock.etcd.request-timeout",
					"distlock.zookeeper.retry.base-sleep", "distlock.consul.lock-delay")
			.doesNotContain("distlock.backend", "distlock.scheduler-threads");
		this.runner.withPropertyValues("distlock.backend=local", "distlock.zookeeper.retry.base-sleep=500")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context, new InvalidPropertyFailureAnalyzer());
				assertThat(analysis.getDescription()).contains("'distlock.zookeeper.retry.base-sleep'")
					.contains("no unit");
				assertThat(analysis.getAction()).contains("500s for seconds, or 500ms");
			});
		this.runner.withPropertyValues("distlock.backend=local", "distlock.default-wait-time=0")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void theLocalBackendWarnsOncePerJvm(CapturedOutput output) {
		LocalBackendCandidate.warned.set(false);
		this.runner.withPropertyValues("distlock.backend=local").run((context) -> assertThat(context).hasNotFailed());
		this.runner.withPropertyValues("distlock.backend=local").run((context) -> assertThat(context).hasNotFailed());
		assertThat(output.getOut().split("locks are held in this JVM only", -1)).as("one warning for two contexts")
			.hasSize(2);
	}

	@Test
	void noBackendChosenFailsWithWhatToWrite() {
		this.runner.run((context) -> {
			FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
			assertThat(analysis.getDescription()).contains("distlock.backend is not set");
			assertThat(analysis.getAction()).contains("distlock:\n  backend: redis").contains("local");
		});
	}

	@Test
	void chosenBackendWithoutItsClientFailsNamingTheDependency() {
		this.runner.withPropertyValues("distlock.backend=etcd").run((context) -> {
			FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
			assertThat(analysis.getDescription()).contains("distlock.backend is 'etcd'").contains("jetcd");
			assertThat(analysis.getAction()).contains("<artifactId>jetcd-core</artifactId>");
		});
	}

	@Test
	void singleConnectedBackendIsChosenWhenUnset() {
		this.runner.withUserConfiguration(ConnectedRedisCandidate.class)
			.run((context) -> assertThat(context.getBean(LockBackend.class).name()).isEqualTo("fake-redis"));
	}

	@Test
	void severalConnectedBackendsFailAsAmbiguous() {
		this.runner.withUserConfiguration(ConnectedRedisCandidate.class, ConnectedEtcdCandidate.class)
			.run((context) -> {
				FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
				assertThat(analysis.getDescription()).contains("Several lock backends").contains("redis, etcd");
				assertThat(analysis.getAction()).contains("distlock:\n  backend: redis");
			});
		this.runner.withUserConfiguration(ConnectedRedisCandidate.class, ConnectedEtcdCandidate.class)
			.withPropertyValues("distlock.backend=etcd")
			.run((context) -> assertThat(context.getBean(LockBackend.class).name()).isEqualTo("fake-etcd"));
	}

	static FailureAnalysis analyze(AssertableApplicationContext context, FailureAnalyzer analyzer) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
		assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

	static LockBackendCandidate candidate(BackendType type, String name) {
		return new LockBackendCandidate() {

			@Override
			public BackendType type() {
				return type;
			}

			@Override
			public boolean connectionConfigured() {
				return true;
			}

			@Override
			public LockBackend create() {
				return new LockBackend() {

					@Override
					public String name() {
						return name;
					}

					@Override
					public Optional<BackendLock> tryAcquire(LockRequest request) {
						return Optional.empty();
					}

				};
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	static class ConnectedRedisCandidate {

		@Bean
		LockBackendCandidate fakeRedis() {
			return candidate(BackendType.REDIS, "fake-redis");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConnectedEtcdCandidate {

		@Bean
		LockBackendCandidate fakeEtcd() {
			return candidate(BackendType.ETCD, "fake-etcd");
		}

	}

}
