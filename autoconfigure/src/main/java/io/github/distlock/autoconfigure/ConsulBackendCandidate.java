package io.github.distlock.autoconfigure;

import java.time.Duration;
import java.util.function.Function;
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
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The Consul backend as a candidate: connected where Spring Cloud Consul connects, with
 * sessions bound to the configured health checks (and, if asked, to the application's own
 * service check). What Consul cannot honour or refuses at startup becomes a
 * {@link ConsulStartupException}.
 */
final class ConsulBackendCandidate implements LockBackendCandidate {

	static final String REGISTRATION_CLASS = "org.springframework.cloud.consul.serviceregistry.ConsulRegistration";

	private final ObjectProvider<ConsulProperties> consulProperties;

	private final Function<ConsulProperties, ConsulApi> consulApi;

	private final ObjectProvider<DistlockProperties> distlockProperties;

	private final DistlockConsulProperties properties;

	private final Environment environment;

	private final BeanFactory beanFactory;

	/**
	 * Creates the candidate.
	 * @param consulProperties Spring Cloud Consul's connection, absent when it is
	 * disabled
	 * @param consulApi connects to Consul with that connection
	 */
	ConsulBackendCandidate(ObjectProvider<ConsulProperties> consulProperties,
			Function<ConsulProperties, ConsulApi> consulApi, ObjectProvider<DistlockProperties> distlockProperties,
			DistlockConsulProperties properties, Environment environment, BeanFactory beanFactory) {
		this.consulProperties = consulProperties;
		this.consulApi = consulApi;
		this.distlockProperties = distlockProperties;
		this.properties = properties;
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

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
		return create(true);
	}

	private LockBackend create(boolean verify) {
		ConsulProperties consul = this.consulProperties.getIfAvailable();
		if (consul == null) {
			throw ConsulStartupException.disabled();
		}
		Duration defaultTtl = this.distlockProperties.getIfAvailable(DistlockProperties::new).getDefaultTtl();
		if (!ConsulLockSettings.isSupportedTtl(defaultTtl)) {
			throw ConsulStartupException.unsupportedDefaultTtl(defaultTtl);
		}
		ConsulApi api = this.consulApi.apply(consul);
		ConsulLockSettings settings = settings();
		Supplier<@Nullable String> serviceCheck = this.properties.isBindToServiceCheck() ? serviceCheck() : () -> null;
		ConsulLockBackend backend = new ConsulLockBackend(api, settings, serviceCheck);
		if (verify && this.properties.isVerifyOnStartup()) {
			verify(backend, settings);
		}
		return backend;
	}

	/**
	 * Without the checks of {@code distlock.consul.verify-on-startup}: the global
	 * {@code distlock.verify-on-startup=false} switches them off too.
	 */
	@Override
	public LockBackend createUnverified() {
		return create(false);
	}

	private ConsulLockSettings settings() {
		try {
			return this.properties.toSettings(this.environment.getProperty("spring.application.name"));
		}
		catch (IllegalArgumentException ex) {
			throw ConsulStartupException.invalidSettings(ex);
		}
	}

	private @Nullable ClassLoader beanClassLoader() {
		return (this.beanFactory instanceof ConfigurableBeanFactory configurable) ? configurable.getBeanClassLoader()
				: null;
	}

	private Supplier<@Nullable String> serviceCheck() {
		ClassLoader classLoader = beanClassLoader();
		if (!ClassUtils.isPresent(REGISTRATION_CLASS, classLoader)) {
			throw ConsulStartupException.discoveryMissing();
		}
		if (!this.environment.getProperty("spring.cloud.consul.discovery.register-health-check", Boolean.class, true)) {
			throw ConsulStartupException.serviceHasNoCheck();
		}
		return ServiceCheck.of(this.beanFactory);
	}

	private static void verify(ConsulLockBackend backend, ConsulLockSettings settings) {
		try {
			backend.verifyAccess();
		}
		catch (ConsulApiException ex) {
			backend.close();
			if (ex.isAccessDenied()) {
				throw ConsulStartupException.tokenRefused(settings, ex);
			}
			if (ex.isUnreachable()) {
				throw ConsulStartupException.unreachable(settings, ex);
			}
			throw ex.isServerError() ? ConsulStartupException.checkFailed(settings, ex)
					: ConsulStartupException.checkRefused(settings, ex);
		}
	}

	/**
	 * Kept apart so that {@link ConsulRegistration} is loaded only when
	 * spring-cloud-consul-discovery is present.
	 */
	private static final class ServiceCheck {

		static Supplier<@Nullable String> of(BeanFactory beanFactory) {
			ObjectProvider<ConsulRegistration> registrations = beanFactory.getBeanProvider(ConsulRegistration.class);
			if (registrations.getIfUnique() == null) {
				throw ConsulStartupException.notRegistered();
			}
			// Spring Cloud Consul registers the service's single check under Consul's
			// default check ID. The
			// instance ID is read per session: it may change until the web server knows
			// its port.
			return () -> "service:" + registrations.getObject().getInstanceId();
		}

	}

}
