package io.github.distlock.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * Offers the Redis backend when Spring Data Redis is present. It uses the application's
 * own {@link RedisConnectionFactory} (configured with {@code spring.data.redis.*}), so an
 * application that already talks to Redis configures nothing new; its connection counts
 * as configured when there is exactly one such bean (or one primary) and it is Lettuce's.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(RedisConnectionFactory.class)
@EnableConfigurationProperties(DistlockRedisProperties.class)
public final class RedisLockAutoConfiguration {

	static final String LETTUCE_CLIENT = "io.lettuce.core.RedisClient";

	@Bean
	LockBackendCandidate distlockRedisBackendCandidate(ObjectProvider<RedisConnectionFactory> connectionFactories,
			DistlockRedisProperties properties, ResourceLoader resourceLoader) {
		// Without Lettuce (Jedis only) the candidate is still offered, so that choosing
		// redis says what to change.
		boolean lettucePresent = ClassUtils.isPresent(LETTUCE_CLIENT, resourceLoader.getClassLoader());
		return new RedisBackendCandidate(connectionFactories, properties, lettucePresent);
	}

}
