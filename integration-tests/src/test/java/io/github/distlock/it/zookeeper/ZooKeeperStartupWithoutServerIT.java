package io.github.distlock.it.zookeeper;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.ZooKeeperLockAutoConfiguration;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.ZooKeeperServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code distlock.verify-on-startup=false} on ZooKeeper: the application starts while the
 * ensemble is down, acquisitions fail with {@link LockBackendException} (each attempt
 * waits up to the connection timeout), and once ZooKeeper is back locks work without a
 * restart.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ZooKeeperStartupWithoutServerIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(DistlockAutoConfiguration.class, ZooKeeperLockAutoConfiguration.class));

	@Test
	void startsWhileZooKeeperIsDownAndLocksOnceItIsBack(@Dedicated ZooKeeperServer zookeeper) {
		zookeeper.kill();
		this.runner
			.withPropertyValues("distlock.backend=zookeeper",
					"distlock.zookeeper.connect-string=" + zookeeper.connectString(),
					"distlock.zookeeper.connection-timeout=2s", "distlock.verify-on-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LockTemplate locks = context.getBean(LockTemplate.class);
				DefaultLockTemplate template = context.getBean(DefaultLockTemplate.class);
				assertThatExceptionOfType(LockBackendException.class)
					.isThrownBy(() -> locks.acquire("order:1", LockOptions.ttl(Duration.ofSeconds(10))))
					.withMessageContaining("has not reached its zookeeper server yet");
				zookeeper.restart();
				try (Lease lease = locks.acquire("order:1", LockOptions.ttl(Duration.ofSeconds(10)))) {
					assertThat(lease.isHeld()).isTrue();
				}
				assertThat(template.checkConnection()).isTrue();
			});
	}

}
