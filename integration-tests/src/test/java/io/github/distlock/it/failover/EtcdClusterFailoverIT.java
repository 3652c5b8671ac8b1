package io.github.distlock.it.failover;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.EtcdLockAutoConfiguration;
import io.github.distlock.it.servers.EtcdCluster;
import io.github.distlock.it.servers.EtcdClusterMember;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A three-member etcd 3.5 cluster, two application instances given all three endpoints,
 * and {@code kill -9} of the leader while the lock is held and contended: the remaining
 * members elect a new leader, and the contenders carry on without an error reaching them
 * (etcd answers {@code UNAVAILABLE} meanwhile, which waits ride out).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EtcdClusterFailoverIT {

	private static final String KEY = "failover:etcd";

	private static final LockOptions OPTIONS = LockOptions.ttl(Duration.ofSeconds(3))
		.withWaitTime(Duration.ofSeconds(30));

	private static EtcdCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = EtcdCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void contendersKeepWorkingWhenTheLeaderIsKilled() throws Exception {
		try (ConfigurableApplicationContext first = application().run();
				ConfigurableApplicationContext second = application().run()) {
			FailoverRun run = new FailoverRun(KEY, OPTIONS,
					List.of(first.getBean(LockTemplate.class), second.getBean(LockTemplate.class)), 2)
				.start()
				.awaitWrites(20, Duration.ofSeconds(30));
			EtcdClusterMember leader = cluster.leader();
			run.inject("kill -9 of the leader", leader::kill).awaitWrites(20, Duration.ofSeconds(60));
			cluster.awaitLeader(Duration.ofSeconds(30));
			run.inject("restart of the killed leader", leader::restart)
				.awaitWrites(20, Duration.ofSeconds(60))
				.finish();
		}
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(EtcdApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=etcd",
					"distlock.etcd.endpoints=" + cluster.endpoints());
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ EtcdLockAutoConfiguration.class, DistlockAutoConfiguration.class })
	static class EtcdApplication {

	}

}
