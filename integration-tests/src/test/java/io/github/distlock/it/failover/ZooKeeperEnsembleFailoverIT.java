package io.github.distlock.it.failover;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.ZooKeeperLockAutoConfiguration;
import io.github.distlock.it.servers.ZooKeeperEnsemble;
import org.apache.curator.test.TestingZooKeeperServer;
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
 * A three-server ZooKeeper ensemble, two application instances given all three servers,
 * and the leader stopped while the lock is held and contended: the remaining servers
 * elect a new leader, the clients connected to the old one move to another server, and
 * the contenders carry on without an error reaching them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ZooKeeperEnsembleFailoverIT {

	private static final String KEY = "failover:zookeeper";

	private static final LockOptions OPTIONS = LockOptions.ttl(Duration.ofSeconds(3))
		.withWaitTime(Duration.ofSeconds(30));

	private static ZooKeeperEnsemble cluster;

	@BeforeAll
	static void startCluster() {
		cluster = ZooKeeperEnsemble.start();
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
			TestingZooKeeperServer leader = cluster.leader();
			run.inject("stop of the leader", () -> cluster.kill(leader)).awaitWrites(20, Duration.ofSeconds(60));
			cluster.awaitLeader(Duration.ofSeconds(30));
			run.inject("restart of the stopped leader", () -> cluster.restart(leader))
				.awaitWrites(20, Duration.ofSeconds(60))
				.finish();
		}
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(ZooKeeperApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=zookeeper",
					"distlock.zookeeper.session-timeout=6s",
					"distlock.zookeeper.connect-string=" + cluster.connectString());
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ZooKeeperLockAutoConfiguration.class, DistlockAutoConfiguration.class })
	static class ZooKeeperApplication {

	}

}
