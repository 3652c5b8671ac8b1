package io.github.distlock.it.etcd;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.EtcdLockAutoConfiguration;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.EtcdServer;
import io.github.distlock.it.servers.RealServersExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code distlock.verify-on-startup=false} on etcd: the application starts while etcd is
 * down, the connection check and acquisitions fail with {@link LockBackendException}, and
 * once etcd is back locks work without a restart (jetcd reconnects by itself).
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EtcdStartupWithoutServerIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, EtcdLockAutoConfiguration.class));

	@Test
	void startsWhileEtcdIsDownAndLocksOnceItIsBack(@Dedicated EtcdServer etcd) {
		etcd.kill();
		this.runner
			.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=" + etcd.endpoint(),
					"distlock.etcd.request-timeout=2s", "distlock.verify-on-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LockTemplate locks = context.getBean(LockTemplate.class);
				DefaultLockTemplate template = context.getBean(DefaultLockTemplate.class);
				assertThatExceptionOfType(LockBackendException.class).isThrownBy(template::checkConnection);
				assertThatExceptionOfType(LockBackendException.class)
					.isThrownBy(() -> locks.acquire("order:1", LockOptions.ttl(Duration.ofSeconds(10))));
				etcd.restart();
				// gRPC retries the connection with a back-off, so the first calls may
				// still
				// fail.
				await().atMost(Duration.ofSeconds(90))
					.ignoreExceptionsInstanceOf(LockBackendException.class)
					.until(() -> {
						try (Lease lease = locks.acquire("order:1", LockOptions.ttl(Duration.ofSeconds(10)))) {
							return lease.fencingToken() > 0;
						}
					});
				assertThat(template.checkConnection()).isTrue();
			});
	}

	@Test
	void byDefaultAnUnreachableEtcdStopsTheStartup(@Dedicated EtcdServer etcd) {
		etcd.kill();
		this.runner
			.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=" + etcd.endpoint(),
					"distlock.etcd.request-timeout=2s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("distlock could not reach etcd"));
	}

}
