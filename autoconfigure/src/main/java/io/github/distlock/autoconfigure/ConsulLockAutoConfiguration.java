package io.github.distlock.autoconfigure;

import java.util.List;
import java.util.function.Supplier;

import io.github.distlock.backend.consul.ConsulApi;
import io.github.distlock.backend.consul.ConsulApiException;
import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.spi.LockBackend;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulAutoConfiguration.ConsulClientSettings;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * Offers the Consul backend when Spring Cloud Consul is on the classpath. It connects the way Spring
 * Cloud Consul does ({@code spring.cloud.consul.host/port/scheme/path/tls}, its ACL token), so a Spring
 * Cloud Consul application configures nothing new; its connection counts as configured when Spring Cloud
 * Consul is enabled.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class,
		afterName = "org.springframework.cloud.consul.ConsulAutoConfiguration")
@ConditionalOnClass({ ConsulProperties.class, RestClient.class })
@EnableConfigurationProperties(DistlockConsulProperties.class)
public final class ConsulLockAutoConfiguration {

	/** Where Spring Cloud Consul's modules read their ACL token, in the order distlock tries them. */
	static final List<String> TOKEN_PROPERTIES = List.of("spring.cloud.consul.discovery.acl-token",
			"spring.cloud.consul.config.acl-token", "consul.token", "spring.cloud.consul.token");

	private static final String REGISTRATION_CLASS = "org.springframework.cloud.consul.serviceregistry.ConsulRegistration";

	@Bean
	LockBackendCandidate distlockConsulBackendCandidate(ObjectProvider<ConsulProperties> consulProperties,
			ObjectProvider<ConsulClientSettings> clientSettings, ObjectProvider<DistlockProperties> distlockProperties,
			DistlockConsulProperties properties, Environment environment, BeanFactory beanFactory) {
		return new Candidate(consulProperties, clientSettings, distlockProperties, properties, environment,
				beanFactory);
	}

	/**
	 * distlock's own token if set, else the one Spring Cloud Consul uses.
	 */
	static @Nullable String token(DistlockConsulProperties properties, Environment environment) {
		if (StringUtils.hasText(properties.getAclToken())) {
			return properties.getAclToken();
		}
		return TOKEN_PROPERTIES.stream()
			.map(environment::getProperty)
			.filter(StringUtils::hasText)
			.findFirst()
			.orElse(null);
	}

	private record Candidate(ObjectProvider<ConsulProperties> consulProperties,
			ObjectProvider<ConsulClientSettings> clientSettings, ObjectProvider<DistlockProperties> distlockProperties,
			DistlockConsulProperties properties, Environment environment,
			BeanFactory beanFactory) implements LockBackendCandidate {

		@Override
		public BackendType type() {
			return BackendType.CONSUL;
		}

		@Override
		public boolean connectionConfigured() {
			return this.consulProperties.getIfAvailable() != null;
		}

		@Override
		public LockBackend create() {
			ConsulProperties consul = this.consulProperties.getIfAvailable();
			if (consul == null) {
				throw new BackendSelectionException(
						"distlock.backend is 'consul' but Spring Cloud Consul is disabled "
								+ "(spring.cloud.consul.enabled is false), so there is no Consul connection",
						"Enable Spring Cloud Consul in application.yml:\n\nspring:\n  cloud:\n    consul:\n"
								+ "      enabled: true\n      host: localhost\n      port: 8500\n\n"
								+ "or choose another backend in distlock.backend.");
			}
			checkDefaultTtl();
			checkJsonLibrary();
			ConsulClientSettings client = this.clientSettings.getIfAvailable(() -> ConsulAutoConfiguration
				.createConsulClientSettings(ConsulAutoConfiguration.createConsulClientBaseUrl(consul), consul.getTls()));
			ConsulApi api = new ConsulApi(client.baseUrl(),
					ConsulApi.restClientBuilder(client.httpClientSettings()).build(), token(this.properties, this.environment));
			ConsulLockSettings settings = settings();
			Supplier<@Nullable String> serviceCheck = this.properties.isBindToServiceCheck() ? serviceCheck()
					: () -> null;
			ConsulLockBackend backend = new ConsulLockBackend(api, settings, serviceCheck);
			if (this.properties.isVerifyOnStartup()) {
				verify(backend, settings);
			}
			return backend;
		}

		private ConsulLockSettings settings() {
			try {
				return this.properties.toSettings(this.environment.getProperty("spring.application.name"));
			}
			catch (IllegalArgumentException ex) {
				throw new BackendSelectionException("The distlock.consul configuration is invalid: " + ex.getMessage(),
						"Correct it in application.yml, for example:\n\ndistlock:\n  consul:\n"
								+ "    key-prefix: distlock\n    lock-delay: 15s   # from 0s to 60s",
						ex);
			}
		}

		private void checkDefaultTtl() {
			DistlockProperties distlock = this.distlockProperties.getIfAvailable(DistlockProperties::new);
			if (!ConsulLockSettings.isSupportedTtl(distlock.getDefaultTtl())) {
				throw new BackendSelectionException("distlock.default-ttl is "
						+ ConsulLockSettings.describe(distlock.getDefaultTtl())
						+ ", but Consul sessions accept a ttl from 10s to 24h (86400s) only; distlock does not round it",
						"Set a ttl Consul accepts in application.yml, for example:\n\ndistlock:\n  default-ttl: 30s");
			}
		}

		/**
		 * Consul's answers are mapped with the application's Jackson, as Spring Cloud Consul's own client
		 * maps them, so its absence is a startup failure rather than a failure at the first lock.
		 */
		private void checkJsonLibrary() {
			ClassLoader classLoader = (this.beanFactory instanceof ConfigurableBeanFactory configurable)
					? configurable.getBeanClassLoader() : null;
			if (!ConsulApi.hasJsonLibrary(classLoader)) {
				throw new BackendSelectionException(ConsulApi.missingJsonLibrary(),
						"Add Jackson to your pom.xml:\n\n<dependency>\n  <groupId>org.springframework.boot</groupId>\n"
								+ "  <artifactId>spring-boot-starter-jackson</artifactId>\n</dependency>\n\n"
								+ "or choose another backend in distlock.backend.");
			}
		}

		private Supplier<@Nullable String> serviceCheck() {
			ClassLoader classLoader = (this.beanFactory instanceof ConfigurableBeanFactory configurable)
					? configurable.getBeanClassLoader() : null;
			if (!ClassUtils.isPresent(REGISTRATION_CLASS, classLoader)) {
				throw new BackendSelectionException("distlock.consul.bind-to-service-check is true but "
						+ "spring-cloud-consul-discovery, which registers the application with Consul, is not on the "
						+ "classpath", "Add it to your pom.xml:\n\n" + BackendType.CONSUL.dependency()
								+ "\n\nor set distlock.consul.bind-to-service-check: false.");
			}
			if (!this.environment.getProperty("spring.cloud.consul.discovery.register-health-check", Boolean.class,
					true)) {
				throw new BackendSelectionException("distlock.consul.bind-to-service-check is true but "
						+ "spring.cloud.consul.discovery.register-health-check is false, so the service has no check",
						"Remove spring.cloud.consul.discovery.register-health-check: false, "
								+ "or set distlock.consul.bind-to-service-check: false.");
			}
			return ServiceCheck.of(this.beanFactory);
		}

		private void verify(ConsulLockBackend backend, ConsulLockSettings settings) {
			try {
				backend.verifyAccess();
			}
			catch (ConsulApiException ex) {
				backend.close();
				throw explain(ex, settings);
			}
		}

		private static BackendSelectionException explain(ConsulApiException ex, ConsulLockSettings settings) {
			if (ex.isAccessDenied()) {
				return new BackendSelectionException(
						"Consul refused distlock's ACL token: " + ex.getMessage(),
						"Give distlock a token whose policy lets it create sessions and write its keys:\n\n"
								+ "key_prefix \"" + settings.keyPrefix() + "/\" {\n  policy = \"write\"\n}\n"
								+ "session_prefix \"\" {\n  policy = \"write\"\n}\n\n"
								+ "and set it where Spring Cloud Consul reads it, in application.yml:\n\n"
								+ "spring:\n  cloud:\n    consul:\n      token: <the token's secret ID>\n\n"
								+ "(or distlock.consul.acl-token for a token of distlock's own).",
						ex);
			}
			if (ex.isUnreachable()) {
				return new BackendSelectionException(
						"Consul could not be reached to check distlock's access: " + ex.getMessage(),
						"Start a Consul agent there, or point Spring Cloud Consul at one in application.yml:\n\n"
								+ "spring:\n  cloud:\n    consul:\n      host: localhost\n      port: 8500\n\n"
								+ "To start without Consul and fail at the first lock instead, set "
								+ "distlock.consul.verify-on-startup: false.",
						ex);
			}
			return new BackendSelectionException("Consul refused distlock's startup check: " + ex.getMessage(),
					settings.checks().isEmpty()
							? "Make sure the agent has a cluster leader and accepts sessions."
							: "Register the health checks named in distlock.consul.checks " + settings.checks()
									+ " on the local Consul agent and make them pass, or correct that list in "
									+ "application.yml.",
					ex);
		}

	}

	/**
	 * Kept apart so that {@link ConsulRegistration} is loaded only when spring-cloud-consul-discovery is
	 * present.
	 */
	private static final class ServiceCheck {

		static Supplier<@Nullable String> of(BeanFactory beanFactory) {
			ObjectProvider<ConsulRegistration> registrations = beanFactory.getBeanProvider(ConsulRegistration.class);
			if (registrations.getIfUnique() == null) {
				throw new BackendSelectionException("distlock.consul.bind-to-service-check is true but this "
						+ "application does not register itself with Consul (no single ConsulRegistration bean)",
						"Let Spring Cloud Consul register the application (spring.cloud.consul.discovery.enabled "
								+ "and spring.cloud.consul.discovery.register, both true by default), or set "
								+ "distlock.consul.bind-to-service-check: false.");
			}
			// Spring Cloud Consul registers the service's single check under Consul's default check ID. The
			// instance ID is read per session: it may change until the web server knows its port.
			return () -> "service:" + registrations.getObject().getInstanceId();
		}

	}

}
