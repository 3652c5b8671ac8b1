package io.github.distlock.it.failover;

import java.time.Duration;

import io.github.distlock.autoconfigure.ConsulLockAutoConfiguration;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.it.servers.ConsulCluster;
import io.github.distlock.it.servers.ConsulClusterAgent;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;

/**
 * Three Consul servers and a client agent, application instances talking to the client
 * agent as in production, and {@code kill -9} of the leading server: the others elect a
 * new one, and the contenders carry on (Consul answers HTTP 500 meanwhile, which waits
 * ride out).
 */
class ConsulClusterFailoverIT extends ClusterFailoverTests {

	private ConsulCluster cluster;

	@Override
	AutoCloseable startCluster() {
		this.cluster = ConsulCluster.start();
		return this.cluster;
	}

	/** Consul's shortest session ttl. */
	@Override
	Duration ttl() {
		return Duration.ofSeconds(10);
	}

	@Override
	SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(ConsulApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=consul",
					"spring.cloud.consul.host=" + this.cluster.client().host(),
					"spring.cloud.consul.port=" + this.cluster.client().port());
	}

	@Override
	Leader leader() {
		ConsulClusterAgent leader = this.cluster.leader();
		return new Leader(leader::kill, leader::restart);
	}

	@Override
	void awaitRecovered() {
		this.cluster.awaitLeader(Duration.ofSeconds(30));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ConsulAutoConfiguration.class, ConsulLockAutoConfiguration.class,
			DistlockAutoConfiguration.class })
	static class ConsulApplication {

	}

}
