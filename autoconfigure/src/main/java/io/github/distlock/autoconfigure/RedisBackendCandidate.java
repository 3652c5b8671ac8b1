package io.github.distlock.autoconfigure;

import java.time.Duration;
import java.util.Objects;
import java.util.stream.Stream;

import io.github.distlock.LockBackendException;
import io.github.distlock.backend.redis.RedisKeyspace;
import io.github.distlock.backend.redis.RedisLockBackend;
import io.github.distlock.spi.LockBackend;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis backend as a candidate: built with the settings of the application's
 * {@link LettuceConnectionFactory}, and turning what Redis refuses at startup
 * (credentials, permissions, an unreachable server) into a {@link RedisStartupException}.
 */
final class RedisBackendCandidate implements LockBackendCandidate {

	/** How often distlock's cluster connections reread the slot map at the latest. */
	static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(5);

	private final ObjectProvider<RedisConnectionFactory> connectionFactories;

	private final DistlockRedisProperties properties;

	private final boolean lettucePresent;

	RedisBackendCandidate(ObjectProvider<RedisConnectionFactory> connectionFactories,
			DistlockRedisProperties properties, boolean lettucePresent) {
		this.connectionFactories = connectionFactories;
		this.properties = properties;
		this.lettucePresent = lettucePresent;
	}

	@Override
	public BackendType type() {
		return BackendType.REDIS;
	}

	@Override
	public boolean connectionConfigured() {
		return this.lettucePresent && this.connectionFactories.getIfUnique() != null;
	}

	@Override
	public LockBackend create() {
		if (!this.lettucePresent) {
			throw RedisStartupException.lettuceMissing();
		}
		RedisConnectionFactory factory = this.connectionFactories.getIfUnique();
		if (factory == null) {
			throw RedisStartupException.noConnectionFactory();
		}
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			throw RedisStartupException.notLettuce(factory.getClass());
		}
		LettuceConnectionFactory own = sameSettings(lettuce);
		RedisKeyspace keyspace = this.properties.keyspace();
		AbstractRedisClient client = own.getRequiredNativeClient();
		if (client instanceof RedisClusterClient cluster) {
			refreshTopology(cluster);
		}
		try {
			return connect(client, keyspace, own);
		}
		catch (LockBackendException ex) {
			LockBackendException failure = ex;
			if (handshakeAnswerLost(ex)) {
				// Once more, to learn what Redis answered (a refused password, usually).
				try {
					return connect(client, keyspace, own);
				}
				catch (LockBackendException again) {
					failure = again;
				}
			}
			own.destroy();
			throw RedisStartupException.unusable(problem(failure), keyspace.prefix(), failure);
		}
	}

	private RedisLockBackend connect(AbstractRedisClient client, RedisKeyspace keyspace, LettuceConnectionFactory own) {
		return RedisLockBackend.connect(client, keyspace, this.properties.getNotificationTimeout(), own::destroy);
	}

	/**
	 * Whether Lettuce reported its own race instead of Redis's answer: when the handshake
	 * fails fast (a refused password), the channel may close before Lettuce looks for its
	 * handshake handler, and the connect fails with "RedisHandshakeHandler not
	 * registered".
	 */
	private static boolean handshakeAnswerLost(Throwable failure) {
		return causes(failure).anyMatch((cause) -> cause.getMessage() != null
				&& cause.getMessage().contains("HandshakeHandler not registered"));
	}

	/**
	 * A factory of distlock's own with the application's Redis configuration and client
	 * configuration (credentials, TLS, timeouts, client options and resources,
	 * customizers' effects), so the lock connections live as long as the lock backend:
	 * the application's factory shuts its client down when the context stops, before the
	 * lock template releases the locks still held.
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
		LettuceConnectionFactory own = new LettuceConnectionFactory(configuration,
				application.getClientConfiguration());
		own.afterPropertiesSet();
		return own;
	}

	/**
	 * Switches on topology refresh in distlock's own cluster connections whatever the
	 * application set: Lettuce refreshes the slot map only when asked (off in Spring
	 * Boot's defaults), so after a master's failover every lock command would keep going
	 * to the dead node and time out. Adaptive triggers (redirections, reconnect attempts,
	 * uncovered slots) refresh within a second of the first sign; the periodic refresh
	 * catches what they miss.
	 */
	static void refreshTopology(RedisClusterClient cluster) {
		ClientOptions current = cluster.getOptions();
		ClusterClientOptions.Builder options = (current instanceof ClusterClientOptions clusterOptions)
				? clusterOptions.mutate() : ClusterClientOptions.builder(current);
		cluster.setOptions(
				options
					.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
						.enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD)
						.enableAllAdaptiveRefreshTriggers()
						.adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
						.refreshTriggersReconnectAttempts(2)
						.build())
					.build());
	}

	/**
	 * What Redis refused, read from the error reply in the failure's causes.
	 */
	private static RedisStartupException.Problem problem(Throwable failure) {
		return causes(failure)
			.filter((cause) -> cause instanceof RedisCommandExecutionException && cause.getMessage() != null)
			.findFirst()
			.map((refusal) -> problem(refusal.getMessage()))
			.orElse(RedisStartupException.Problem.UNREACHABLE);
	}

	private static RedisStartupException.Problem problem(String refusal) {
		if (refusal.startsWith("WRONGPASS") || refusal.startsWith("NOAUTH") || refusal.contains("invalid password")
				|| refusal.contains("invalid username-password")) {
			return RedisStartupException.Problem.CREDENTIALS_REFUSED;
		}
		return refusal.startsWith("NOPERM") ? RedisStartupException.Problem.PERMISSION_DENIED
				: RedisStartupException.Problem.UNREACHABLE;
	}

	/** {@code failure} and its causes, stopping at a cause that is its own. */
	private static Stream<Throwable> causes(Throwable failure) {
		return Stream.iterate(failure, Objects::nonNull,
				(cause) -> (cause.getCause() == cause) ? null : cause.getCause());
	}

}
