package io.github.distlock.it.failover;

import java.time.Duration;

import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.ZooKeeperLockAutoConfiguration;
import io.github.distlock.it.servers.ZooKeeperEnsemble;
import org.apache.curator.test.TestingZooKeeperServer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;

/**
 * A three-server ZooKeeper ensemble, application instances given all three servers, and
 * the leader stopped: the others elect a new one, the clients that were connected to it
 * move to another server, and the contenders carry on.
 */
class ZooKeeperEnsembleFailoverIT extends ClusterFailoverTests {

	private ZooKeeperEnsemble cluster;

	@Override
	AutoCloseable startCluster() {
		this.cluster = ZooKeeperEnsemble.start();
		return this.cluster;
	}

	@Override
	SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(ZooKeeperApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=zookeeper",
					"distlock.zookeeper.session-timeout=6s",
					"distlock.zookeeper.connect-string=" + this.cluster.connectString());
	}

	@Override
	Leader leader() {
		TestingZooKeeperServer leader = this.cluster.leader();
		return new Leader(() -> this.cluster.kill(leader), () -> this.cluster.restart(leader));
	}

	@Override
	void awaitRecovered() {
		this.cluster.awaitLeader(Duration.ofSeconds(30));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ZooKeeperLockAutoConfiguration.class, DistlockAutoConfiguration.class })
	static class ZooKeeperApplication {

	}

}
