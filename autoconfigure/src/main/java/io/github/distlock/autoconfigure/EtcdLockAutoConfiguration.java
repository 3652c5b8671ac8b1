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
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Offers the etcd backend when jetcd is on the classpath. It uses the application's own jetcd
 * {@link Client} bean when there is exactly one, and otherwise a client built from
 * {@code distlock.etcd.*}; either way the connection is checked at startup.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@EnableConfigurationProperties(DistlockEtcdProperties.class)
public final class EtcdLockAutoConfiguration {

	@Bean
	LockBackendCandidate distlockEtcdBackendCandidate(DistlockEtcdProperties properties,
			ObjectProvider<Client> clients) {
		return new EtcdBackendCandidate(properties, clients);
	}

	/**
	 * Creates the etcd backend, turning every configuration problem into a startup failure that says
	 * what to write.
	 */
	static final class EtcdBackendCandidate implements LockBackendCandidate {

		private static final String ENDPOINTS_YAML = "distlock:\n  etcd:\n    endpoints: http://127.0.0.1:2379";

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
			Client userClient = this.clients.getIfUnique();
			Client client = (userClient != null) ? userClient : newClient();
			EtcdLockBackend backend = new EtcdLockBackend(client, userClient == null, this.properties.getNamespace(),
					this.properties.getRequestTimeout());
			try {
				backend.checkConnection();
			}
			catch (LockBackendException ex) {
				backend.close();
				throw connectionFailure(ex, userClient != null);
			}
			return backend;
		}

		private Client newClient() {
			List<String> endpoints = this.properties.getEndpoints();
			if (endpoints.isEmpty()) {
				throw new BackendSelectionException(
						"distlock.backend is 'etcd' but no etcd endpoints are configured and the application has "
								+ "no jetcd Client bean",
						"Set the etcd client URLs in application.yml:\n\n" + ENDPOINTS_YAML
								+ "\n\nor define a bean of type io.etcd.jetcd.Client.");
			}
			ClientBuilder builder;
			try {
				builder = Client.builder().endpoints(endpoints.toArray(String[]::new));
			}
			catch (RuntimeException ex) {
				throw new BackendSelectionException("distlock.etcd.endpoints " + endpoints + " are not valid URLs: "
						+ ex.getMessage(), "Write each endpoint as a URL with scheme, host and port:\n\n"
								+ ENDPOINTS_YAML, ex);
			}
			String user = this.properties.getUser();
			String password = this.properties.getPassword();
			if ((user == null) != (password == null)) {
				throw new BackendSelectionException(
						"Only one of distlock.etcd.user and distlock.etcd.password is set",
						"Set both, or neither when etcd authentication is off:\n\n" + credentialsYaml(user));
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
			String action = "Point the TLS settings at readable PEM files (the client key in PKCS#8), "
					+ "cert-file and key-file together:\n\ndistlock:\n  etcd:\n    tls:\n      ca-file: /etc/etcd/ca.pem\n"
					+ "      cert-file: /etc/etcd/client.pem\n      key-file: /etc/etcd/client-key.pem";
			if ((cert == null) != (key == null)) {
				throw new BackendSelectionException(
						"Only one of distlock.etcd.tls.cert-file and distlock.etcd.tls.key-file is set", action);
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
				throw new BackendSelectionException("Cannot set up TLS for etcd: " + ex.getMessage(), action, ex);
			}
		}

		private BackendSelectionException connectionFailure(LockBackendException failure, boolean userClient) {
			String text = messages(failure).toLowerCase(Locale.ROOT);
			String where = userClient ? "the application's jetcd Client" : "etcd at " + this.properties.getEndpoints();
			String user = this.properties.getUser();
			if (text.contains("authentication failed") || text.contains("invalid user id or password")
					|| text.contains("user name is empty") || text.contains("invalid auth token")) {
				return new BackendSelectionException(
						where + " rejected the credentials" + ((user != null) ? " of user '" + user + "'" : "")
								+ ": " + rootMessage(failure),
						"Set the user and password of an etcd user whose role may read and write keys under '"
								+ this.properties.getNamespace() + "/':\n\n" + credentialsYaml(user),
						failure);
			}
			if (text.contains("permission denied")) {
				return new BackendSelectionException(
						where + " denied access to '" + this.properties.getNamespace() + "/': " + failure.getMessage(),
						"Grant the user's role read and write on the lock namespace, for example:\n\n"
								+ "etcdctl role grant-permission <role> --prefix=true readwrite "
								+ this.properties.getNamespace() + "/",
						failure);
			}
			return new BackendSelectionException("distlock could not reach " + where + ": " + failure.getMessage(),
					userClient ? "Check the endpoints of your io.etcd.jetcd.Client bean and that etcd is running."
							: "Check that etcd is running and that distlock.etcd.endpoints lists its client URLs:\n\n"
									+ ENDPOINTS_YAML,
					failure);
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

		private static String credentialsYaml(@Nullable String user) {
			return "distlock:\n  etcd:\n    user: " + ((user != null) ? user : "app") + "\n    password: ${ETCD_PASSWORD}";
		}

		private static ByteSequence bytes(String text) {
			return ByteSequence.from(text, StandardCharsets.UTF_8);
		}

	}

}
