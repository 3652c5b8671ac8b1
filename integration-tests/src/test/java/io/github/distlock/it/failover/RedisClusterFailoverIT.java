package io.github.distlock.it.failover;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.core.LockKeys;
import io.github.distlock.it.servers.RedisCluster;
import io.github.distlock.it.servers.RedisClusterNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A Redis Cluster of three masters and three replicas, two application instances on
 * Spring Boot's default Redis settings (only {@code spring.data.redis.cluster.nodes}
 * set), and {@code kill -9} of the master that owns the lock key's slot while the lock is
 * held and contended: the replica is promoted, and the contenders carry on without an
 * error reaching them, because distlock's own connections refresh the cluster topology
 * and waits ride out the failover.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisClusterFailoverIT {

	private static final String KEY = "failover:redis";

	private static final LockOptions OPTIONS = LockOptions.ttl(Duration.ofSeconds(3))
		.withWaitTime(Duration.ofSeconds(30));

	private static RedisCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void contendersKeepWorkingWhenTheKeysMasterIsKilled() throws Exception {
		try (ConfigurableApplicationContext first = application().run();
				ConfigurableApplicationContext second = application().run()) {
			FailoverRun run = new FailoverRun(KEY, OPTIONS,
					List.of(first.getBean(LockTemplate.class), second.getBean(LockTemplate.class)), 2)
				.start()
				.awaitWrites(20, Duration.ofSeconds(30));
			RedisClusterNode master = cluster.masterOf("distlock:{" + LockKeys.encode(KEY) + "}");
			run.inject("kill -9 of the master of the key's slot", master::kill).awaitWrites(20, Duration.ofSeconds(60));
			cluster.awaitHealthy(Duration.ofSeconds(30));
			run.inject("restart of the killed master", master::restart)
				.awaitWrites(20, Duration.ofSeconds(60))
				.finish();
		}
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(RedisApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=redis",
					"spring.data.redis.cluster.nodes=" + String.join(",", cluster.addresses()));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class,
			DistlockAutoConfiguration.class })
	static class RedisApplication {

	}

}
