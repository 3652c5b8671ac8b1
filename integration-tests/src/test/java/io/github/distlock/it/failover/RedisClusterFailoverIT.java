package io.github.distlock.it.failover;

import java.time.Duration;

import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.core.LockKeys;
import io.github.distlock.it.servers.RedisCluster;
import io.github.distlock.it.servers.RedisClusterNode;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * A Redis Cluster of three masters and three replicas, application instances on Spring
 * Boot's default Redis settings (only {@code spring.data.redis.cluster.nodes} set), and
 * {@code kill -9} of the master that owns the lock key's slot: its replica is promoted,
 * and the contenders carry on because distlock's own connections refresh the cluster
 * topology and waits ride out the failover.
 */
class RedisClusterFailoverIT extends ClusterFailoverTests {

	private RedisCluster cluster;

	@Override
	AutoCloseable startCluster() {
		this.cluster = RedisCluster.start();
		return this.cluster;
	}

	@Override
	SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(RedisApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=redis",
					"spring.data.redis.cluster.nodes=" + String.join(",", this.cluster.addresses()));
	}

	@Override
	Leader leader() {
		RedisClusterNode master = this.cluster.masterOf("distlock:{" + LockKeys.encode(key()) + "}");
		return new Leader(master::kill, master::restart);
	}

	@Override
	void awaitRecovered() {
		this.cluster.awaitHealthy(Duration.ofSeconds(30));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class,
			DistlockAutoConfiguration.class })
	static class RedisApplication {

	}

}
