package io.github.distlock.autoconfigure;

import java.time.Duration;

import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the ZooKeeper backend, under {@code distlock.zookeeper.*}. The
 * connection settings build distlock's own Curator client; they must stay unset when the
 * application defines a {@code CuratorFramework} bean, which is then used as it is.
 */
@ConfigurationProperties("distlock.zookeeper")
public class DistlockZooKeeperProperties {

	/**
	 * ZooKeeper servers to connect to, as comma-separated host:port pairs, optionally
	 * followed by a chroot path.
	 */
	private @Nullable String connectString;

	/**
	 * Session timeout to ask ZooKeeper for: how long the locks of a crashed or cut-off
	 * instance survive it (the server bounds it between 2 and 20 of its ticks).
	 */
	private Duration sessionTimeout = Duration.ofSeconds(30);

	/**
	 * How long to wait for a connection, at startup and for each attempt of an operation.
	 */
	private Duration connectionTimeout = Duration.ofSeconds(15);

	/**
	 * Parent path of the lock nodes; one child per key.
	 */
	private String basePath = "/distlock";

	/**
	 * Which connection state makes held locks lost: 'suspended' when the connection drops
	 * (the holder learns before the session can expire), or 'lost' when the session
	 * expires (survives short outages, but may signal after another client took over).
	 */
	private LossOn lossOn = LossOn.SUSPENDED;

	/**
	 * How Curator retries an operation that failed on a connection problem.
	 */
	private final Retry retry = new Retry();

	/**
	 * Digest credentials; when set, lock nodes and their parents get a creator-only ACL.
	 */
	private final Auth auth = new Auth();

	public @Nullable String getConnectString() {
		return this.connectString;
	}

	public void setConnectString(@Nullable String connectString) {
		this.connectString = (connectString != null && connectString.isBlank()) ? null : connectString;
	}

	public Duration getSessionTimeout() {
		return this.sessionTimeout;
	}

	public void setSessionTimeout(Duration sessionTimeout) {
		this.sessionTimeout = positiveMillis(sessionTimeout, "30s");
	}

	public Duration getConnectionTimeout() {
		return this.connectionTimeout;
	}

	public void setConnectionTimeout(Duration connectionTimeout) {
		this.connectionTimeout = positiveMillis(connectionTimeout, "15s");
	}

	public String getBasePath() {
		return this.basePath;
	}

	public void setBasePath(String basePath) {
		this.basePath = ZooKeeperLockBackend.validateBasePath(basePath);
	}

	public LossOn getLossOn() {
		return this.lossOn;
	}

	public void setLossOn(LossOn lossOn) {
		this.lossOn = lossOn;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Auth getAuth() {
		return this.auth;
	}

	static Duration positiveMillis(Duration value, String example) {
		if (value.toMillis() < 1 || value.toMillis() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"must be a duration of at least 1ms such as " + example + ", but was " + value);
		}
		return value;
	}

	/**
	 * Curator's exponential back-off retry policy.
	 */
	public static class Retry {

		/**
		 * Sleep before the first retry; later retries sleep up to twice as long each
		 * time, randomised.
		 */
		private Duration baseSleep = Duration.ofSeconds(1);

		/**
		 * How many times an operation is retried after a connection problem.
		 */
		private int maxRetries = 3;

		public Duration getBaseSleep() {
			return this.baseSleep;
		}

		public void setBaseSleep(Duration baseSleep) {
			this.baseSleep = positiveMillis(baseSleep, "1s");
		}

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			// Curator's ExponentialBackoffRetry caps retries at 29.
			if (maxRetries < 0 || maxRetries > 29) {
				throw new IllegalArgumentException("must be between 0 and 29, but was " + maxRetries);
			}
			this.maxRetries = maxRetries;
		}

	}

	/**
	 * ZooKeeper digest authentication.
	 */
	public static class Auth {

		/**
		 * User name of the digest identity; must not contain ':'.
		 */
		private @Nullable String username;

		/**
		 * Password of the digest identity.
		 */
		private @Nullable String password;

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			if (username != null && username.indexOf(':') >= 0) {
				throw new IllegalArgumentException("must not contain ':', but was '" + username + "'");
			}
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		boolean isConfigured() {
			return this.username != null || this.password != null;
		}

	}

}
