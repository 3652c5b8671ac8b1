package io.github.distlock.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.github.distlock.LockBackendException;
import io.github.distlock.backend.etcd.EtcdLockBackend;
import io.github.distlock.spi.LockBackend;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The etcd backend as a candidate: with the application's jetcd {@link Client} when there
 * is exactly one, else with a client built from {@code distlock.etcd.*}; the connection
 * is checked before the backend is handed out, and what etcd refuses becomes an
 * {@link EtcdStartupException}.
 */
final class EtcdBackendCandidate implements LockBackendCandidate {

	private final DistlockEtcdProperties properties;

	private final ObjectProvider<Client> clients;

	EtcdBackendCandidate(DistlockEtcdProperties properties, ObjectProvider<Client> clients) {
		this.properties = properties;
		this.clients = clients;
	}

	@Override
	public BackendType type() {
		return BackendType.ETCD;
	}

	@Override
	public boolean connectionConfigured() {
		return this.clients.getIfUnique() != null || !this.properties.getEndpoints().isEmpty();
	}

	@Override
	public LockBackend create() {
		Client applicationClient = this.clients.getIfUnique();
		EtcdLockBackend backend = backend(applicationClient);
		try {
			backend.checkConnection();
		}
		catch (LockBackendException ex) {
			backend.close();
			throw connectionFailure(ex, applicationClient != null);
		}
		return backend;
	}

	/**
	 * The backend without a connection check: jetcd connects at the first request and
	 * reconnects by itself, so acquisitions fail with the request timeout until etcd
	 * answers.
	 */
	@Override
	public LockBackend createUnverified() {
		return backend(this.clients.getIfUnique());
	}

	private EtcdLockBackend backend(@Nullable Client applicationClient) {
		Client client = (applicationClient != null) ? applicationClient : newClient();
		return new EtcdLockBackend(client, applicationClient == null, this.properties.getNamespace(),
				this.properties.getRequestTimeout());
	}

	private Client newClient() {
		List<String> endpoints = this.properties.getEndpoints();
		if (endpoints.isEmpty()) {
			throw EtcdStartupException.noEndpoints();
		}
		ClientBuilder builder;
		try {
			builder = Client.builder().endpoints(endpoints.toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			throw EtcdStartupException.invalidEndpoints(endpoints, ex);
		}
		String user = this.properties.getUser();
		String password = this.properties.getPassword();
		if ((user == null) != (password == null)) {
			throw EtcdStartupException.incompleteCredentials(user);
		}
		if (user != null && password != null) {
			builder.user(bytes(user)).password(bytes(password));
		}
		DistlockEtcdProperties.Tls tls = this.properties.getTls();
		if (tls.isConfigured() || endpoints.stream().anyMatch((url) -> url.startsWith("https:"))) {
			configureTls(builder, tls);
		}
		return builder.build();
	}

	private static void configureTls(ClientBuilder builder, DistlockEtcdProperties.Tls tls) {
		Path ca = tls.getCaFile();
		Path cert = tls.getCertFile();
		Path key = tls.getKeyFile();
		if ((cert == null) != (key == null)) {
			throw EtcdStartupException.incompleteClientCertificate();
		}
		try {
			builder.sslContext((ssl) -> {
				if (ca != null) {
					ssl.trustManager(ca.toFile());
				}
				if (cert != null && key != null) {
					ssl.keyManager(cert.toFile(), key.toFile());
				}
			});
		}
		catch (SSLException | RuntimeException ex) {
			throw EtcdStartupException.tlsUnusable(ex);
		}
	}

	private EtcdStartupException connectionFailure(LockBackendException failure, boolean applicationClient) {
		// jetcd reports refusals only as gRPC status text, so the text is what tells them
		// apart.
		String text = messages(failure).toLowerCase(Locale.ROOT);
		String server = applicationClient ? "the application's jetcd Client"
				: "etcd at " + this.properties.getEndpoints();
		String namespace = this.properties.getNamespace();
		if (text.contains("authentication failed") || text.contains("invalid user id or password")
				|| text.contains("user name is empty") || text.contains("invalid auth token")) {
			return EtcdStartupException.credentialsRefused(server, this.properties.getUser(), namespace,
					rootMessage(failure), failure);
		}
		if (text.contains("permission denied")) {
			return EtcdStartupException.permissionDenied(server, namespace, failure);
		}
		return EtcdStartupException.unreachable(server, applicationClient, failure);
	}

	private static String rootMessage(Throwable failure) {
		String message = failure.getMessage();
		for (Throwable cause = failure.getCause(); cause != null && cause != failure; cause = cause.getCause()) {
			if (cause.getMessage() != null) {
				message = cause.getMessage();
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return message;
	}

	private static String messages(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable cause = failure; cause != null && text.length() < 10_000; cause = cause.getCause()) {
			text.append(cause.getMessage()).append('\n');
			if (cause.getCause() == cause) {
				break;
			}
		}
		return text.toString();
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
