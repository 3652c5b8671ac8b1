package io.github.distlock.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.backend.consul.SessionBehavior;
import io.github.distlock.spi.LockBackend;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulAutoConfiguration.ConsulClientSettings;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class ConsulLockAutoConfigurationTests {

	// No Consul runs here: sessions are created on first use, and the startup check is
	// off unless a test
	// is about it.
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConsulAutoConfiguration.class, ConsulLockAutoConfiguration.class,
				LocalLockAutoConfiguration.class, DistlockAutoConfiguration.class))
		.withPropertyValues("distlock.consul.verify-on-startup=false");

	@Test
	void consulIsChosenWhenSpringCloudConsulIsEnabledAndNoBackendIsNamed() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(LockBackendCandidate.class).values())
				.filteredOn((candidate) -> candidate.type() == BackendType.CONSUL)
				.singleElement()
				.satisfies((candidate) -> assertThat(candidate.connectionConfigured()).isTrue());
			assertThat(context.getBean(LockBackend.class)).isInstanceOf(ConsulLockBackend.class);
			assertThat(backend(context).baseUrl()).isEqualTo("http://localhost:8500");
			assertThat(backend(context).settings()).isEqualTo(ConsulLockSettings.defaults());
		});
	}

	@Test
	void connectsWhereSpringCloudConsulIsConfigured() {
		this.runner
			.withPropertyValues("distlock.backend=consul", "spring.cloud.consul.host=consul.internal",
					"spring.cloud.consul.port=8501", "spring.cloud.consul.path=/edge/")
			.run((context) -> assertThat(backend(context).baseUrl()).isEqualTo("http://consul.internal:8501/edge"));
	}

	@Test
	void reusesTheApplicationsConsulClientSettings() {
		this.runner.withPropertyValues("distlock.backend=consul")
			.withBean(ConsulClientSettings.class,
					() -> ConsulAutoConfiguration.createConsulClientSettings("http://own-consul:9500", null))
			.run((context) -> assertThat(backend(context).baseUrl()).isEqualTo("http://own-consul:9500"));
	}

	@Test
	void bindsItsProperties() {
		this.runner
			.withPropertyValues("distlock.backend=consul", "spring.application.name=orders",
					"distlock.consul.key-prefix=/apps/orders/locks/", "distlock.consul.session-behavior=delete",
					"distlock.consul.lock-delay=2s", "distlock.consul.checks=disk,queue",
					"distlock.consul.watch-sessions=false", "distlock.consul.delete-on-release=true",
					"distlock.consul.session-idle-timeout=5m")
			.run((context) -> {
				ConsulLockSettings settings = backend(context).settings();
				assertThat(settings).isEqualTo(
						new ConsulLockSettings("apps/orders/locks", SessionBehavior.DELETE, Duration.ofSeconds(2),
								List.of("disk", "queue"), "distlock orders", false, true, Duration.ofMinutes(5)));
				assertThat(backend(context).sessionChecks()).containsExactly("disk", "queue");
			});
	}

	@Test
	void backsOffWithoutSpringCloudConsulAndNamesTheDependencyWhenChosen() {
		ApplicationContextRunner withoutConsul = this.runner
			.withClassLoader(new FilteredClassLoader(ConsulProperties.class));
		withoutConsul.withPropertyValues("distlock.backend=local")
			.run((context) -> assertThat(context.getBeansOfType(LockBackendCandidate.class).values())
				.noneMatch((candidate) -> candidate.type() == BackendType.CONSUL));
		withoutConsul.withPropertyValues("distlock.backend=consul").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("'consul'")
				.contains("Spring Cloud Consul is not on the classpath");
			assertThat(analysis.getAction()).contains("<artifactId>spring-cloud-starter-consul-discovery</artifactId>");
		});
	}

	@Test
	void disabledSpringCloudConsulIsNoConnection() {
		this.runner.withPropertyValues("spring.cloud.consul.enabled=false", "distlock.backend=consul")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("spring.cloud.consul.enabled is false");
				assertThat(analysis.getAction()).contains("enabled: true");
			});
		this.runner.withPropertyValues("spring.cloud.consul.enabled=false")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("No lock backend is chosen"));
	}

	@Test
	void defaultTtlConsulCannotHonourFailsAtStartup() {
		for (String ttl : List.of("5s", "25h")) {
			this.runner.withPropertyValues("distlock.backend=consul", "distlock.default-ttl=" + ttl).run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription())
					.contains("distlock.default-ttl is " + ttl.replace("25h", "90000s"))
					.contains("from 10s to 24h");
				assertThat(analysis.getAction()).contains("distlock:\n  default-ttl: 30s");
			});
		}
	}

	@Test
	void settingsConsulCannotHonourFailAtStartup() {
		this.runner.withPropertyValues("distlock.backend=consul", "distlock.consul.lock-delay=90s").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("distlock.consul")
				.contains("lock-delay from 0s to 60s, but it was 90s");
			assertThat(analysis.getAction()).contains("lock-delay: 15s");
		});
		this.runner.withPropertyValues("distlock.backend=consul", "distlock.consul.key-prefix=a/../b")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("'a/../b'"));
	}

	@Test
	void usesSpringCloudConsulsAclTokenUnlessDistlockHasItsOwn() {
		DistlockConsulProperties properties = new DistlockConsulProperties();
		MockEnvironment environment = new MockEnvironment();
		assertThat(ConsulLockAutoConfiguration.token(properties, environment)).isNull();
		environment.setProperty("spring.cloud.consul.token", "shared");
		assertThat(ConsulLockAutoConfiguration.token(properties, environment)).isEqualTo("shared");
		environment.setProperty("spring.cloud.consul.config.acl-token", "config");
		assertThat(ConsulLockAutoConfiguration.token(properties, environment)).isEqualTo("config");
		environment.setProperty("spring.cloud.consul.discovery.acl-token", "discovery");
		assertThat(ConsulLockAutoConfiguration.token(properties, environment)).isEqualTo("discovery");
		properties.setAclToken("own");
		assertThat(ConsulLockAutoConfiguration.token(properties, environment)).isEqualTo("own");
	}

	@Test
	void bindsSessionsToTheApplicationsOwnServiceCheck() {
		ConsulRegistration registration = mock(ConsulRegistration.class);
		given(registration.getInstanceId()).willReturn("orders-8080");
		this.runner
			.withPropertyValues("distlock.backend=consul", "distlock.consul.bind-to-service-check=true",
					"distlock.consul.checks=disk")
			.withBean(ConsulRegistration.class, () -> registration)
			.run((context) -> assertThat(backend(context).sessionChecks()).containsExactly("disk",
					"service:orders-8080"));
	}

	@Test
	void bindingToAServiceCheckThatDoesNotExistFailsAtStartup() {
		this.runner.withPropertyValues("distlock.backend=consul", "distlock.consul.bind-to-service-check=true")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("does not register itself with Consul");
				assertThat(analysis.getAction()).contains("distlock.consul.bind-to-service-check: false");
			});
		this.runner.withClassLoader(new FilteredClassLoader(ConsulRegistration.class))
			.withPropertyValues("distlock.backend=consul", "distlock.consul.bind-to-service-check=true")
			.run((context) -> assertThat(analysis(context).getDescription()).contains(
					"spring-cloud-consul-discovery, which registers the application with Consul, is not on the classpath"));
		ConsulRegistration registration = mock(ConsulRegistration.class);
		this.runner
			.withPropertyValues("distlock.backend=consul", "distlock.consul.bind-to-service-check=true",
					"spring.cloud.consul.discovery.register-health-check=false")
			.withBean(ConsulRegistration.class, () -> registration)
			.run((context) -> assertThat(analysis(context).getDescription()).contains("the service has no check"));
	}

	@Test
	void needsNoJsonLibraryOfItsOwn() {
		// Consul's answers are read with Spring Boot's JSON parser, which falls back to
		// its own.
		this.runner.withClassLoader(new FilteredClassLoader("tools.jackson.databind", "com.fasterxml.jackson.databind"))
			.withPropertyValues("distlock.backend=consul")
			.run((context) -> assertThat(backend(context).baseUrl()).isEqualTo("http://localhost:8500"));
	}

	@Test
	void unreachableConsulFailsAtStartupWithWhatToDo() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.runner
			.withPropertyValues("distlock.backend=consul", "distlock.consul.verify-on-startup=true",
					"spring.cloud.consul.host=127.0.0.1", "spring.cloud.consul.port=" + closedPort)
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("Consul at http://127.0.0.1:" + closedPort)
					.contains("could not be reached");
				assertThat(analysis.getAction()).contains("distlock.consul.verify-on-startup: false");
			});
	}

	@Test
	void theGlobalVerifyOnStartupSwitchAlsoStartsWithoutConsul() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.runner
			.withPropertyValues("distlock.backend=consul", "distlock.consul.verify-on-startup=true",
					"distlock.verify-on-startup=false", "spring.cloud.consul.host=127.0.0.1",
					"spring.cloud.consul.port=" + closedPort)
			.run((context) -> assertThat(backend(context)).isNotNull());
	}

	private static ConsulLockBackend backend(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return (ConsulLockBackend) context.getBean(LockBackend.class);
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new BackendSelectionFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("a BackendSelectionException explains %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

}
