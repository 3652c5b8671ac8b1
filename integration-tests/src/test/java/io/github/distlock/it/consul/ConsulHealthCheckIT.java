package io.github.distlock.it.consul;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.LockListener;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.it.servers.ConsulServer;
import io.github.distlock.it.servers.RealServersExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sessions bound to health checks: when a check turns critical, Consul invalidates the
 * session and its holder is told it lost its lock.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConsulHealthCheckIT {

	private static final LockOptions ONE_MINUTE = LockOptions.ttl(Duration.ofSeconds(60));

	private final ConsulAgent agent;

	private final String id = UUID.randomUUID().toString();

	private final ConsulLockSettings settings = ConsulLockSettings.defaults()
		.withKeyPrefix("distlock-it/checks")
		.withLockDelay(Duration.ofSeconds(1));

	private final List<String> lostReports = new CopyOnWriteArrayList<>();

	ConsulHealthCheckIT(ConsulServer consul) {
		this.agent = new ConsulAgent(consul);
	}

	@Test
	void lockOfASessionBoundToACheckIsLostWhenTheCheckFails() throws Exception {
		String check = "distlock-it-" + this.id;
		this.agent.registerTtlCheck(check);
		try (ConsulLockBackend backend = this.agent.backend(new ConsulLockSettings(this.settings.keyPrefix(),
				this.settings.behavior(), this.settings.lockDelay(), List.of(check), this.settings.sessionName(), true,
				false, this.settings.sessionIdleTimeout()))) {
			assertLostWhenCheckFails(backend, check);
		}
		finally {
			this.agent.deregisterCheck(check);
		}
	}

	@Test
	void lockOfASessionBoundToTheInstancesServiceCheckIsLostWhenTheInstanceTurnsUnhealthy() throws Exception {
		String service = "distlock-it-" + this.id;
		this.agent.registerService(service);
		// What bind-to-service-check supplies for Spring Cloud Consul's registration of
		// this instance.
		String serviceCheck = "service:" + service;
		try (ConsulLockBackend backend = this.agent.backendBoundTo(this.settings, serviceCheck)) {
			assertThat(backend.sessionChecks()).containsExactly(serviceCheck);
			assertLostWhenCheckFails(backend, serviceCheck);
		}
		finally {
			this.agent.deregisterService(service);
		}
	}

	private void assertLostWhenCheckFails(ConsulLockBackend backend, String check) throws Exception {
		String key = "checked:" + this.id;
		String path = this.settings.keyPrefix() + "/" + LockKeys.encode(key);
		try (ConsulLockBackend otherBackend = this.agent.backend(this.settings);
				DefaultLockTemplate manager = manager(backend);
				DefaultLockTemplate other = manager(otherBackend)) {
			Lease lease = manager.acquire(key, ONE_MINUTE);
			CountDownLatch lost = new CountDownLatch(1);
			lease.onLost(lost::countDown);
			assertThat(other.tryAcquire(key, LockOptions.defaults())).isEmpty();

			this.agent.failCheck(check);

			assertThat(lost.await(30, TimeUnit.SECONDS)).as("onLost fires").isTrue();
			assertThat(lease.isHeld()).isFalse();
			assertThat(this.lostReports).singleElement().asString().startsWith(key + ": ");
			try (Lease next = other.acquire(key, ONE_MINUTE.withWaitTime(Duration.ofSeconds(20)))) {
				assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
				assertThat(this.agent.holderSession(path)).isNotNull();
			}
			// An unhealthy instance gets no new session, so no new lock either.
			assertThatThrownBy(() -> manager.acquire("other:" + this.id, ONE_MINUTE))
				.isInstanceOf(LockBackendException.class)
				.hasMessageContaining("critical");
		}
	}

	private DefaultLockTemplate manager(ConsulLockBackend backend) {
		return new DefaultLockTemplate(backend, LockSettings.defaults(), List.of(new LockListener() {
			@Override
			public void lost(LockInfo lock, long fencingToken, String reason) {
				ConsulHealthCheckIT.this.lostReports.add(lock.key() + ": " + reason);
			}
		}));
	}

}
