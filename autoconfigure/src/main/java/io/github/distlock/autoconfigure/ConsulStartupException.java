package io.github.distlock.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.distlock.backend.consul.ConsulApi;
import io.github.distlock.backend.consul.ConsulLockSettings;
import org.jspecify.annotations.Nullable;

/**
 * The Consul backend cannot start: no Consul connection, settings Consul cannot honour, a
 * service check that does not exist, or Consul refused or did not answer the startup
 * check.
 */
public final class ConsulStartupException extends BackendSelectionException {

	private static final long serialVersionUID = 1L;

	/** What went wrong, which decides the action the failure analyzer writes. */
	enum Problem {

		/** Spring Cloud Consul is disabled. */
		DISABLED,

		/** A {@code distlock.consul.*} value Consul cannot honour. */
		INVALID_SETTINGS,

		/** {@code distlock.default-ttl} is outside Consul's session ttl range. */
		UNSUPPORTED_DEFAULT_TTL,

		/** Binding to the service check without spring-cloud-consul-discovery. */
		DISCOVERY_MISSING,

		/** Binding to the service check while discovery registers no check. */
		SERVICE_HAS_NO_CHECK,

		/** Binding to the service check while the application is not registered. */
		NOT_REGISTERED,

		/** Consul refused the ACL token. */
		TOKEN_REFUSED,

		/** Consul could not be reached. */
		UNREACHABLE,

		/** Consul refused the startup check otherwise. */
		CHECK_REFUSED,

		/**
		 * Consul failed to answer the startup check (a server error, such as no cluster
		 * leader).
		 */
		CHECK_FAILED

	}

	private final Problem problem;

	private final String keyPrefix;

	private final List<String> checks;

	private ConsulStartupException(Problem problem, String message, @Nullable ConsulLockSettings settings,
			@Nullable Throwable cause) {
		super(message, cause);
		this.problem = problem;
		this.keyPrefix = ((settings != null) ? settings : ConsulLockSettings.defaults()).keyPrefix();
		this.checks = (settings != null) ? settings.checks() : List.of();
	}

	private static ConsulStartupException of(Problem problem, String message) {
		return new ConsulStartupException(problem, message, null, null);
	}

	static ConsulStartupException disabled() {
		return of(Problem.DISABLED, "distlock.backend is 'consul' but Spring Cloud Consul is disabled "
				+ "(spring.cloud.consul.enabled is false), so there is no Consul connection");
	}

	static ConsulStartupException invalidSettings(IllegalArgumentException failure) {
		return new ConsulStartupException(Problem.INVALID_SETTINGS,
				"The distlock.consul configuration is invalid: " + failure.getMessage(), null, failure);
	}

	static ConsulStartupException unsupportedDefaultTtl(Duration ttl) {
		return of(Problem.UNSUPPORTED_DEFAULT_TTL, "distlock.default-ttl is " + ConsulLockSettings.describe(ttl)
				+ ", but Consul sessions accept a ttl from 10s to 24h (86400s) only; distlock does not round it");
	}

	static ConsulStartupException discoveryMissing() {
		return of(Problem.DISCOVERY_MISSING, "distlock.consul.bind-to-service-check is true but "
				+ "spring-cloud-consul-discovery, which registers the application with Consul, is not on the classpath");
	}

	static ConsulStartupException serviceHasNoCheck() {
		return of(Problem.SERVICE_HAS_NO_CHECK, "distlock.consul.bind-to-service-check is true but "
				+ "spring.cloud.consul.discovery.register-health-check is false, so the service has no check");
	}

	static ConsulStartupException notRegistered() {
		return of(Problem.NOT_REGISTERED, "distlock.consul.bind-to-service-check is true but this application does "
				+ "not register itself with Consul (no single ConsulRegistration bean)");
	}

	static ConsulStartupException tokenRefused(ConsulLockSettings settings, Throwable failure) {
		return new ConsulStartupException(Problem.TOKEN_REFUSED,
				"Consul refused distlock's ACL token: " + failure.getMessage(), settings, failure);
	}

	static ConsulStartupException unreachable(ConsulLockSettings settings, Throwable failure) {
		return new ConsulStartupException(Problem.UNREACHABLE,
				"Consul could not be reached to check distlock's access: " + failure.getMessage(), settings, failure);
	}

	static ConsulStartupException checkFailed(ConsulLockSettings settings, Throwable failure) {
		return new ConsulStartupException(Problem.CHECK_FAILED,
				"Consul failed to answer distlock's startup check: " + failure.getMessage(), settings, failure);
	}

	static ConsulStartupException checkRefused(ConsulLockSettings settings, Throwable failure) {
		return new ConsulStartupException(Problem.CHECK_REFUSED,
				"Consul refused distlock's startup check: " + failure.getMessage(), settings, failure);
	}

	Problem problem() {
		return this.problem;
	}

	/** The lock key folder, for the startup check's problems. */
	String keyPrefix() {
		return this.keyPrefix;
	}

	/** The health checks sessions are bound to, for the startup check's problems. */
	List<String> checks() {
		return this.checks;
	}

}
