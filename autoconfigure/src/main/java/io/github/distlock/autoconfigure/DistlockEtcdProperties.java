package io.github.distlock.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the etcd backend, under {@code distlock.etcd.*}. The connection
 * settings are ignored when the application defines its own jetcd {@code Client} bean.
 */
@ConfigurationProperties("distlock.etcd")
public class DistlockEtcdProperties {

	/**
	 * etcd client URLs, such as http://127.0.0.1:2379; https URLs use TLS.
	 */
	private List<String> endpoints = new ArrayList<>();

	/**
	 * User to authenticate as when etcd has authentication enabled.
	 */
	private @Nullable String user;

	/**
	 * Password of the user.
	 */
	private @Nullable String password;

	/**
	 * Key prefix under which locks are kept, as namespace/lock-key/lease-id.
	 */
	private String namespace = "distlock";

	/**
	 * How long one request to etcd may take before the lock call fails with a backend
	 * error.
	 */
	private Duration requestTimeout = Duration.ofSeconds(5);

	/**
	 * TLS settings for https endpoints.
	 */
	private final Tls tls = new Tls();

	public List<String> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(List<String> endpoints) {
		this.endpoints = endpoints;
	}

	public @Nullable String getUser() {
		return this.user;
	}

	public void setUser(@Nullable String user) {
		this.user = user;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(String namespace) {
		String trimmed = namespace.strip();
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		if (trimmed.isEmpty()) {
			throw new IllegalArgumentException(
					"must be a non-empty key prefix such as distlock, but was '" + namespace + "'");
		}
		this.namespace = trimmed;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		if (requestTimeout.isNegative() || requestTimeout.isZero()) {
			throw new IllegalArgumentException("must be a positive duration such as 5s, but was " + requestTimeout);
		}
		this.requestTimeout = requestTimeout;
	}

	public Tls getTls() {
		return this.tls;
	}

	/**
	 * TLS files, all PEM.
	 */
	public static class Tls {

		/**
		 * Certificate authority that signed etcd's server certificate; when unset, the
		 * JVM's trust store is used for https endpoints.
		 */
		private @Nullable Path caFile;

		/**
		 * Client certificate chain, for etcd's --client-cert-auth.
		 */
		private @Nullable Path certFile;

		/**
		 * PKCS#8 private key of the client certificate.
		 */
		private @Nullable Path keyFile;

		public @Nullable Path getCaFile() {
			return this.caFile;
		}

		public void setCaFile(@Nullable Path caFile) {
			this.caFile = caFile;
		}

		public @Nullable Path getCertFile() {
			return this.certFile;
		}

		public void setCertFile(@Nullable Path certFile) {
			this.certFile = certFile;
		}

		public @Nullable Path getKeyFile() {
			return this.keyFile;
		}

		public void setKeyFile(@Nullable Path keyFile) {
			this.keyFile = keyFile;
		}

		boolean isConfigured() {
			return this.caFile != null || this.certFile != null || this.keyFile != null;
		}

	}

}
