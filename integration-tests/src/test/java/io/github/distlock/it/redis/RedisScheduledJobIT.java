package io.github.distlock.it.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.distlock.DistributedLock;
import io.github.distlock.NotAcquiredAction;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.it.instances.Instances;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on a real Redis schedule the same job every second
 * ({@code cron = "* * * * * *"}) with {@code waitTime = "0s"},
 * {@code onNotAcquired = SKIP} and {@code holdAtLeast}: each second's tick runs on one
 * instance only. Without {@code holdAtLeast} the job, much shorter than the instances'
 * skew, would run on both.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(60)
class RedisScheduledJobIT {

	/** The instances that ran, per second since the epoch. */
	static final Map<Long, List<String>> runs = new ConcurrentHashMap<>();

	@Test
	void theJobRunsAtMostOncePerPeriodAcrossTwoInstances(RedisServer redis) {
		String prefix = "it-job-" + UUID.randomUUID();
		try (ConfigurableApplicationContext first = instance(redis, prefix, "first");
				ConfigurableApplicationContext second = instance(redis, prefix, "second")) {
			await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 4);
		}
		System.out.println("Runs per second: " + runs);
		assertThat(runs).as("instances that ran, per second")
			.allSatisfy((second, instances) -> assertThat(instances).as("runs in second %d", second).hasSize(1));
	}

	private static ConfigurableApplicationContext instance(RedisServer redis, String prefix, String name) {
		return Instances.on(redis, prefix, JobApplication.class).properties("instance.name=" + name).run();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableScheduling
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class,
			DistlockAutoConfiguration.class })
	static class JobApplication {

		@Bean
		ReportJob reportJob(@Value("${instance.name}") String name) {
			return new ReportJob(name);
		}

	}

	static class ReportJob {

		private final String instance;

		ReportJob(String instance) {
			this.instance = instance;
		}

		@Scheduled(cron = "* * * * * *")
		@DistributedLock(key = "'job:report'", ttl = "5s", waitTime = "0s", onNotAcquired = NotAcquiredAction.SKIP,
				holdAtLeast = "800ms")
		public void run() {
			long period = Math.floorDiv(System.currentTimeMillis(), 1000);
			runs.computeIfAbsent(period, (key) -> new CopyOnWriteArrayList<>()).add(this.instance);
		}

	}

}
