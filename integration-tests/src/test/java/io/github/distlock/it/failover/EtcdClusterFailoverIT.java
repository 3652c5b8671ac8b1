package io.github.distlock.it.failover;

import java.time.Duration;

import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.EtcdLockAutoConfiguration;
import io.github.distlock.it.servers.EtcdCluster;
import io.github.distlock.it.servers.EtcdClusterMember;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;

/**
 * A three-member etcd 3.5 cluster, application instances given all three endpoints, and
 * {@code kill -9} of the leader: the remaining members elect a new one, and the
 * contenders carry on (etcd answers {@code UNAVAILABLE} meanwhile, which waits ride out).
 */
class EtcdClusterFailoverIT extends ClusterFailoverTests {

	private EtcdCluster cluster;

	@Override
	AutoCloseable startCluster() {
		this.cluster = EtcdCluster.start();
		return this.cluster;
	}

	@Override
	SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(EtcdApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=etcd",
					"distlock.etcd.endpoints=" + this.cluster.endpoints());
	}

	@Override
	Leader leader() {
		EtcdClusterMember leader = this.cluster.leader();
		return new Leader(leader::kill, leader::restart);
	}

	@Override
	void awaitRecovered() {
		this.cluster.awaitLeader(Duration.ofSeconds(30));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ EtcdLockAutoConfiguration.class, DistlockAutoConfiguration.class })
	static class EtcdApplication {

	}

}
