package io.github.distlock.it.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

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
 * Two instances on a real Redis schedule the same job every second with
 * {@code waitTime = "0s"}, {@code onNotAcquired = SKIP} and {@code holdAtLeast}, the
 * second instance's ticks {@value #SKEW_MILLIS}ms behind the first's, as the clocks and
 * schedulers of two machines are: each second's tick runs on one instance only. Each run
 * records the second its tick belongs to, so the count per period does not depend on when
 * the run happened. Without {@code holdAtLeast} the job, much shorter than the skew, runs
 * on both.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(60)
class RedisScheduledJobIT {

	static final long SKEW_MILLIS = 200;

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
		long skew = name.equals("first") ? 0 : SKEW_MILLIS;
		return Instances.on(redis, prefix, JobApplication.class)
			.properties("instance.name=" + name, "instance.skew=" + skew + "ms")
			.run();
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

		@Bean
		Scheduler scheduler(ReportJob job, @Value("${instance.skew}") Duration skew) {
			return new Scheduler(job, skew);
		}

	}

	/**
	 * This instance's ticks: each belongs to the second it fires in, and reaches the job
	 * after the instance's skew.
	 */
	static class Scheduler {

		private final ReportJob job;

		private final Duration skew;

		Scheduler(ReportJob job, Duration skew) {
			this.job = job;
			this.skew = skew;
		}

		@Scheduled(cron = "* * * * * *")
		void tick() {
			long period = Math.floorDiv(System.currentTimeMillis(), 1000);
			// The simulated skew between the instances' schedules, not a wait for
			// anything.
			LockSupport.parkNanos(this.skew.toNanos());
			this.job.run(period);
		}

	}

	static class ReportJob {

		private final String instance;

		ReportJob(String instance) {
			this.instance = instance;
		}

		@DistributedLock(key = "'job:report'", ttl = "5s", waitTime = "0s", onNotAcquired = NotAcquiredAction.SKIP,
				holdAtLeast = "900ms")
		public void run(long period) {
			runs.computeIfAbsent(period, (key) -> new CopyOnWriteArrayList<>()).add(this.instance);
		}

	}

}
