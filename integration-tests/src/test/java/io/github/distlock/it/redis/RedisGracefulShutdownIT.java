package io.github.distlock.it.redis;

import java.time.Duration;
import java.util.Optional;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import io.github.distlock.it.shutdown.LongLockedJob;
import io.github.distlock.it.shutdown.ShutdownScenario;
import io.github.distlock.it.shutdown.ShutdownWitness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graceful shutdown on Redis: a context holding a 60s lock in a long method is closed; it
 * refuses new locks, waits out its 2s grace period, reports the lock lost to the method
 * and releases it, so another instance acquires it within the grace period plus a round
 * trip, not after the ttl.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(120)
class RedisGracefulShutdownIT {

	@Test
	void anotherInstanceAcquiresTheLockWithinTheGracePeriodNotAfterTheTtl(RedisServer redis) throws Exception {
		ConfigurableApplicationContext holder = application(redis).run();
		ShutdownWitness witness = holder.getBean(ShutdownWitness.class);
		try (ConfigurableApplicationContext other = application(redis).run()) {
			ShutdownScenario scenario = new ShutdownScenario(holder);
			scenario.closeWhileTheLongMethodRuns();
			Optional<Lease> taken = other.getBean(LockTemplate.class)
				.tryAcquire(LongLockedJob.KEY,
						LockOptions.ttl(Duration.ofSeconds(60)).withWaitTime(ShutdownScenario.GRACE.plusSeconds(5)));
			assertThat(taken).as("acquired within the grace period plus a round trip").isPresent();
			taken.get().release();
			scenario.finish();
		}
		assertThat(witness.lostReasons).singleElement().asString().startsWith("report: the application shut down");
	}

	private static SpringApplicationBuilder application(RedisServer redis) {
		return new SpringApplicationBuilder(RedisLockedApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=redis",
					"distlock.shutdown.grace-period=" + ShutdownScenario.GRACE.toMillis() + "ms",
					"spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"spring.data.redis.timeout=5s");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class,
			DistlockAutoConfiguration.class })
	static class RedisLockedApplication {

		@Bean
		LongLockedJob longLockedJob() {
			return new LongLockedJob();
		}

		@Bean
		ShutdownWitness shutdownWitness() {
			return new ShutdownWitness(() -> "n/a");
		}

	}

}
