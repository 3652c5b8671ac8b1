package io.github.distlock.autoconfigure;

import io.github.distlock.spi.LockBackend;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Offers the Redis backend when Spring Data Redis is present. It uses the application's own
 * {@link RedisConnectionFactory} (configured with {@code spring.data.redis.*}), so an application that
 * already talks to Redis configures nothing new; its connection counts as configured when there is
 * exactly one such bean (or one primary).
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(RedisConnectionFactory.class)
@EnableConfigurationProperties(DistlockRedisProperties.class)
public final class RedisLockAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.lettuce.core.RedisClient")
	static class LettuceCandidateConfiguration {

		@Bean
		LockBackendCandidate distlockRedisBackendCandidate(ObjectProvider<RedisConnectionFactory> connectionFactories,
				DistlockRedisProperties properties) {
			return new RedisBackendCandidate(connectionFactories, properties);
		}

	}

	/**
	 * Spring Data Redis without Lettuce (Jedis): the backend cannot work, and says so when chosen.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.lettuce.core.RedisClient")
	static class WithoutLettuceConfiguration {

		@Bean
		LockBackendCandidate distlockRedisBackendCandidate() {
			return new LockBackendCandidate() {

				@Override
				public BackendType type() {
					return BackendType.REDIS;
				}

				@Override
				public boolean connectionConfigured() {
					return false;
				}

				@Override
				public LockBackend create() {
					throw lettuceRequired("Lettuce (io.lettuce:lettuce-core) is not on the classpath");
				}

			};
		}

	}

	/**
	 * The failure when the backend is chosen but Lettuce is missing or not the application's client.
	 */
	static BackendSelectionException lettuceRequired(String why) {
		return new BackendSelectionException("distlock.backend is 'redis', which needs the Lettuce client, but " + why,
				"Use Lettuce, the default client of spring-boot-starter-data-redis: remove the redis.clients:jedis "
						+ "dependency (and any exclusion of io.lettuce:lettuce-core) from your pom.xml, or set\n\n"
						+ "spring:\n  data:\n    redis:\n      client-type: lettuce");
	}

}
