package io.github.distlock.autoconfigure;

import java.time.Duration;

import io.github.distlock.backend.redis.RedisKeyspace;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Redis backend, under {@code distlock.redis.*}. The connection
 * itself (host, port, credentials, TLS, timeout) is the application's, configured with
 * {@code spring.data.redis.*}.
 */
@ConfigurationProperties("distlock.redis")
public class DistlockRedisProperties {

	/**
	 * Prefix of the keys and of the release channel distlock uses, keeping them apart
	 * from the application's own keys.
	 */
	private String keyPrefix = "distlock";

	/**
	 * How long a waiter relies on the release notification before it checks a busy lock
	 * again anyway, which bounds the delay a lost notification can cause.
	 */
	private Duration notificationTimeout = Duration.ofSeconds(5);

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = new RedisKeyspace(keyPrefix).prefix();
	}

	public Duration getNotificationTimeout() {
		return this.notificationTimeout;
	}

	public void setNotificationTimeout(Duration notificationTimeout) {
		if (notificationTimeout.isNegative() || notificationTimeout.isZero()) {
			throw new IllegalArgumentException(
					"must be a positive duration such as 5s, but was " + notificationTimeout);
		}
		this.notificationTimeout = notificationTimeout;
	}

	/**
	 * The keyspace these properties describe.
	 */
	public RedisKeyspace keyspace() {
		return new RedisKeyspace(this.keyPrefix);
	}

}
