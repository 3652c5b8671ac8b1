package io.github.distlock.autoconfigure;

import io.github.distlock.LockBackendException;
import io.github.distlock.backend.redis.RedisKeyspace;
import io.github.distlock.backend.redis.RedisLockBackend;
import io.github.distlock.spi.LockBackend;
import io.lettuce.core.RedisCommandExecutionException;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis backend as a candidate: built with the settings of the application's
 * {@link LettuceConnectionFactory}, and turning what Redis refuses at startup (credentials, permissions, an unreachable server) into a
 * {@link BackendSelectionException} that names the property to fix.
 */
final class RedisBackendCandidate implements LockBackendCandidate {

	private final ObjectProvider<RedisConnectionFactory> connectionFactories;

	private final DistlockRedisProperties properties;

	RedisBackendCandidate(ObjectProvider<RedisConnectionFactory> connectionFactories,
			DistlockRedisProperties properties) {
		this.connectionFactories = connectionFactories;
		this.properties = properties;
	}

	@Override
	public BackendType type() {
		return BackendType.REDIS;
	}

	@Override
	public boolean connectionConfigured() {
		return this.connectionFactories.getIfUnique() != null;
	}

	@Override
	public LockBackend create() {
		RedisConnectionFactory factory = this.connectionFactories.getIfUnique();
		if (factory == null) {
			throw new BackendSelectionException(
					"distlock.backend is 'redis' but there is no single RedisConnectionFactory bean to use",
					"Let Spring Boot create it from spring.data.redis.* (spring-boot-starter-data-redis), for example:\n\n"
							+ "spring:\n  data:\n    redis:\n      host: localhost\n      port: 6379\n\n"
							+ "or, if you define several RedisConnectionFactory beans, mark the one for locks @Primary.");
		}
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			throw RedisLockAutoConfiguration
				.lettuceRequired("the application's RedisConnectionFactory is a " + factory.getClass().getName());
		}
		LettuceConnectionFactory own = sameSettings(lettuce);
		RedisKeyspace keyspace = this.properties.keyspace();
		try {
			return RedisLockBackend.connect(own.getRequiredNativeClient(), keyspace,
					this.properties.getNotificationTimeout(), own::destroy);
		}
		catch (LockBackendException ex) {
			own.destroy();
			throw explain(ex, keyspace);
		}
	}

	/**
	 * A factory of distlock's own with the application's Redis configuration and client configuration
	 * (credentials, TLS, timeouts, client options and resources, customizers' effects), so the lock
	 * connections live as long as the lock backend: the application's factory shuts its client down
	 * when the context stops, before the lock manager releases the locks still held.
	 */
	private static LettuceConnectionFactory sameSettings(LettuceConnectionFactory application) {
		RedisConfiguration configuration;
		if (application.isClusterAware()) {
			configuration = application.getClusterConfiguration();
		}
		else if (application.isRedisSentinelAware()) {
			configuration = application.getSentinelConfiguration();
		}
		else if (application.getSocketConfiguration() != null) {
			configuration = application.getSocketConfiguration();
		}
		else {
			configuration = application.getStandaloneConfiguration();
		}
		LettuceConnectionFactory own = new LettuceConnectionFactory(configuration, application.getClientConfiguration());
		own.afterPropertiesSet();
		return own;
	}

	private static BackendSelectionException explain(LockBackendException failure, RedisKeyspace keyspace) {
		String refusal = redisError(failure);
		String problem = "distlock could not use Redis: " + failure.getMessage();
		if (refusal != null && (refusal.startsWith("WRONGPASS") || refusal.startsWith("NOAUTH")
				|| refusal.contains("invalid password") || refusal.contains("invalid username-password"))) {
			return new BackendSelectionException(problem,
					"Set spring.data.redis.username and spring.data.redis.password (or the user and password in "
							+ "spring.data.redis.url) to a Redis user that exists, is enabled and has that password, "
							+ "for example:\n\nspring:\n  data:\n    redis:\n      username: app\n"
							+ "      password: ${REDIS_PASSWORD}",
					failure);
		}
		if (refusal != null && refusal.startsWith("NOPERM")) {
			String prefix = keyspace.prefix();
			return new BackendSelectionException(problem,
					"Grant the Redis user (spring.data.redis.username) the keys, channel and commands distlock uses, "
							+ "for example:\n\nACL SETUSER <user> ~" + prefix + ":* &" + prefix + ":released +ping "
							+ "+evalsha +eval +subscribe +get +set +del +exists +time +incr +pttl +pexpire +publish\n\n"
							+ "or set distlock.redis.key-prefix to a prefix the user may already use.",
					failure);
		}
		return new BackendSelectionException(problem,
				"Check spring.data.redis.host and spring.data.redis.port (or spring.data.redis.url, or the "
						+ "sentinel/cluster nodes) and that Redis is running and reachable: distlock connects when the "
						+ "application starts.",
				failure);
	}

	private static @Nullable String redisError(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RedisCommandExecutionException && cause.getMessage() != null) {
				return cause.getMessage();
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

}
