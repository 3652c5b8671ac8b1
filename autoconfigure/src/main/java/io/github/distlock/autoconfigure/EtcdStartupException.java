package io.github.distlock.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The etcd backend cannot start: no or unusable connection settings, or etcd refused or
 * did not answer the startup check.
 */
public final class EtcdStartupException extends BackendSelectionException {

	private static final long serialVersionUID = 1L;

	/** What went wrong, which decides the action the failure analyzer writes. */
	enum Problem {

		/** Neither endpoints nor a jetcd {@code Client} bean. */
		NO_ENDPOINTS,

		/** An endpoint is not a URL. */
		INVALID_ENDPOINTS,

		/** Only one of user and password. */
		INCOMPLETE_CREDENTIALS,

		/** Only one of the client certificate and its key. */
		INCOMPLETE_CLIENT_CERTIFICATE,

		/** The TLS files cannot be used. */
		TLS_UNUSABLE,

		/** etcd refused the credentials. */
		CREDENTIALS_REFUSED,

		/** etcd denied access to the namespace. */
		PERMISSION_DENIED,

		/** etcd could not be reached. */
		UNREACHABLE

	}

	private final Problem problem;

	private final @Nullable String user;

	private final @Nullable String namespace;

	private final boolean applicationClient;

	private EtcdStartupException(Problem problem, String message, @Nullable String user, @Nullable String namespace,
			boolean applicationClient, @Nullable Throwable cause) {
		super(message, cause);
		this.problem = problem;
		this.user = user;
		this.namespace = namespace;
		this.applicationClient = applicationClient;
	}

	static EtcdStartupException noEndpoints() {
		return new EtcdStartupException(Problem.NO_ENDPOINTS, "distlock.backend is 'etcd' but no etcd endpoints are "
				+ "configured and the application has no jetcd Client bean", null, null, false, null);
	}

	static EtcdStartupException invalidEndpoints(List<String> endpoints, RuntimeException failure) {
		return new EtcdStartupException(Problem.INVALID_ENDPOINTS,
				"distlock.etcd.endpoints " + endpoints + " are not valid URLs: " + failure.getMessage(), null, null,
				false, failure);
	}

	static EtcdStartupException incompleteCredentials(@Nullable String user) {
		return new EtcdStartupException(Problem.INCOMPLETE_CREDENTIALS,
				"Only one of distlock.etcd.user and distlock.etcd.password is set", user, null, false, null);
	}

	static EtcdStartupException incompleteClientCertificate() {
		return new EtcdStartupException(Problem.INCOMPLETE_CLIENT_CERTIFICATE,
				"Only one of distlock.etcd.tls.cert-file and distlock.etcd.tls.key-file is set", null, null, false,
				null);
	}

	static EtcdStartupException tlsUnusable(Exception failure) {
		return new EtcdStartupException(Problem.TLS_UNUSABLE, "Cannot set up TLS for etcd: " + failure.getMessage(),
				null, null, false, failure);
	}

	static EtcdStartupException credentialsRefused(String server, @Nullable String user, String namespace,
			String reason, Throwable failure) {
		return new EtcdStartupException(
				Problem.CREDENTIALS_REFUSED, server + " rejected the credentials"
						+ ((user != null) ? " of user '" + user + "'" : "") + ": " + reason,
				user, namespace, false, failure);
	}

	static EtcdStartupException permissionDenied(String server, String namespace, Throwable failure) {
		return new EtcdStartupException(Problem.PERMISSION_DENIED,
				server + " denied access to '" + namespace + "/': " + failure.getMessage(), null, namespace, false,
				failure);
	}

	static EtcdStartupException unreachable(String server, boolean applicationClient, Throwable failure) {
		return new EtcdStartupException(Problem.UNREACHABLE,
				"distlock could not reach " + server + ": " + failure.getMessage(), null, null, applicationClient,
				failure);
	}

	Problem problem() {
		return this.problem;
	}

	@Override
	public boolean isServerUnreachable() {
		return this.problem == Problem.UNREACHABLE;
	}

	/** The configured user, for the credential problems. */
	@Nullable String user() {
		return this.user;
	}

	/** The lock namespace, for the access problems. */
	@Nullable String namespace() {
		return this.namespace;
	}

	/** Whether the application's own jetcd {@code Client} was used. */
	boolean applicationClient() {
		return this.applicationClient;
	}

}
