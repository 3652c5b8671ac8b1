package io.github.distlock.autoconfigure;

import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Offers the ZooKeeper backend when Apache Curator is on the classpath. It uses the application's
 * {@link CuratorFramework} bean when there is one (Spring Cloud Zookeeper defines one), and otherwise
 * builds its own client from {@code distlock.zookeeper.*}. It starts and closes only a client it built.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class,
		afterName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration")
@ConditionalOnClass(CuratorFramework.class)
@EnableConfigurationProperties(DistlockZookeeperProperties.class)
public final class ZookeeperLockAutoConfiguration {

	@Bean
	LockBackendCandidate distlockZookeeperBackendCandidate(DistlockZookeeperProperties properties,
			ObjectProvider<CuratorFramework> clients) {
		return new ZookeeperBackendCandidate(properties, clients);
	}

}
