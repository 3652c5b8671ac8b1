package io.github.distlock.autoconfigure;

import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Offers the ZooKeeper backend when Apache Curator is on the classpath. It uses the
 * application's {@link CuratorFramework} bean when there is one (Spring Cloud Zookeeper
 * defines one), and otherwise builds its own client from {@code distlock.zookeeper.*}. It
 * starts and closes only a client it built.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class,
		afterName = "org.springframework.cloud.zookeeper.ZooKeeperAutoConfiguration")
@ConditionalOnClass(CuratorFramework.class)
@EnableConfigurationProperties(DistlockZooKeeperProperties.class)
public final class ZooKeeperLockAutoConfiguration {

	@Bean
	LockBackendCandidate distlockZooKeeperBackendCandidate(DistlockZooKeeperProperties properties,
			ObjectProvider<CuratorFramework> clients) {
		return new ZooKeeperBackendCandidate(properties, clients);
	}

}
