package io.github.distlock.it.redis;

import java.time.Duration;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code distlock.verify-on-startup=false}: an application starts while Redis is down,
 * its connection check (the health check) fails and locks fail with
 * {@link LockBackendException} until Redis is back, and then work without a restart.
 */
@ExtendWith(RealServersExtension.class)
class RedisStartupWithoutServerIT {

	@Test
	void startsWhileRedisIsDownAndLocksOnceItIsBack(@Dedicated RedisServer redis) {
		redis.kill();
		try (ConfigurableApplicationContext context = application(redis, "distlock.verify-on-startup=false").run()) {
			LockTemplate locks = context.getBean(LockTemplate.class);
			DefaultLockTemplate template = context.getBean(DefaultLockTemplate.class);
			assertThatExceptionOfType(LockBackendException.class).isThrownBy(template::checkConnection)
				.withMessageContaining("has not reached its redis server yet");
			assertThatExceptionOfType(LockBackendException.class)
				.isThrownBy(() -> locks.acquire("order:1", LockOptions.ttl(Duration.ofSeconds(10))))
				.withMessageContaining("distlock.verify-on-startup is false");
			redis.restart();
			try (Lease lease = locks.acquire("order:1", LockOptions.ttl(Duration.ofSeconds(10)))) {
				assertThat(lease.fencingToken()).isPositive();
				assertThat(lease.isHeld()).isTrue();
			}
			assertThat(template.checkConnection()).isTrue();
		}
	}

	@Test
	void byDefaultAnUnreachableRedisStopsTheStartup(@Dedicated RedisServer redis) {
		redis.kill();
		assertThatThrownBy(() -> application(redis).run().close())
			.hasStackTraceContaining("distlock could not use Redis");
	}

	private static SpringApplicationBuilder application(RedisServer redis, String... properties) {
		return new SpringApplicationBuilder(RedisApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=redis",
					"spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"spring.data.redis.timeout=2s")
			.properties(properties);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class,
			DistlockAutoConfiguration.class })
	static class RedisApplication {

	}

}
