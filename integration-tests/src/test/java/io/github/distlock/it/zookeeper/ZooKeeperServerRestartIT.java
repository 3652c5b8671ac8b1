package io.github.distlock.it.zookeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.core.LockListener;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.ZooKeeperServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a held lock does when its ZooKeeper server restarts or stays down, under each
 * {@code distlock.zookeeper.loss-on} policy, and that an outage is an error rather than
 * "busy".
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ZooKeeperServerRestartIT {

	private static final String KEY = "restart:1";

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final List<String> lostReports = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	private DefaultLockTemplate instance(ZooKeeperServer server, Duration sessionTimeout, LossOn lossOn)
			throws Exception {
		ZooKeeperLockBackend backend = ZooKeeperTestClients.backend(server, sessionTimeout, lossOn);
		this.resources.add(backend);
		DefaultLockTemplate manager = new DefaultLockTemplate(backend, new LockSettings(Duration.ofSeconds(30),
				Duration.ZERO, LostLockPolicy.LOG, Duration.ofMillis(100), null, 2), List.of(new LockListener() {
					@Override
					public void lost(LockInfo lock, long fencingToken, String reason) {
						ZooKeeperServerRestartIT.this.lostReports.add(reason);
					}
				}));
		this.resources.add(manager);
		return manager;
	}

	private static LockOptions waitFor(Duration waitTime) {
		return LockOptions.defaults().withWaitTime(waitTime);
	}

	@Test
	void suspendedPolicyLosesTheLockOnRestartButKeepsItsNodeUntilTheHolderReleases(@Dedicated ZooKeeperServer server)
			throws Exception {
		DefaultLockTemplate holder = instance(server, ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
		DefaultLockTemplate other = instance(server, ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
		Lease lease = holder.acquire(KEY, LockOptions.ttl(Duration.ofSeconds(30)));
		CountDownLatch lost = new CountDownLatch(1);
		lease.onLost(lost::countDown);

		server.restart();

		assertThat(lost.await(30, TimeUnit.SECONDS)).as("the suspension is reported as a loss").isTrue();
		assertThat(lease.isHeld()).isFalse();
		assertThat(this.lostReports).singleElement().asString().contains("suspended");
		// The session outlived the restart, and so did the lock node: nobody else may
		// enter while the
		// code that was told of the loss is still winding down.
		assertThat(other.tryAcquire(KEY, waitFor(Duration.ofMillis(500)))).isEmpty();
		lease.release();
		try (Lease next = other.acquire(KEY, waitFor(Duration.ofSeconds(10)))) {
			assertThat(next.fencingToken()).as("fencing tokens keep increasing across a restart")
				.isGreaterThan(lease.fencingToken());
		}
	}

	@Test
	void lostPolicyKeepsTheLockAcrossARestartShorterThanTheSession(@Dedicated ZooKeeperServer server) throws Exception {
		DefaultLockTemplate holder = instance(server, ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.LOST);
		DefaultLockTemplate other = instance(server, ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.LOST);
		Duration ttl = Duration.ofSeconds(5);
		Lease lease = holder.acquire(KEY, LockOptions.ttl(ttl));

		server.restart();

		// Held for longer than a ttl after the restart: renewals confirm the node on the
		// new connection.
		await().during(ttl.plusSeconds(2))
			.atMost(ttl.plusSeconds(30))
			.pollInterval(Duration.ofMillis(250))
			.until(lease::isHeld);
		assertThat(this.lostReports).isEmpty();
		assertThat(other.tryAcquire(KEY, waitFor(Duration.ZERO))).isEmpty();
		lease.release();
		try (Lease next = other.acquire(KEY, waitFor(Duration.ofSeconds(10)))) {
			assertThat(next.fencingToken()).as("fencing tokens keep increasing across a restart")
				.isGreaterThan(lease.fencingToken());
		}
	}

	@Test
	void lostPolicyReportsTheLossWhenTheServerStaysDownForASessionTimeout(@Dedicated ZooKeeperServer server)
			throws Exception {
		Duration sessionTimeout = Duration.ofSeconds(4);
		DefaultLockTemplate holder = instance(server, sessionTimeout, LossOn.LOST);
		DefaultLockTemplate other = instance(server, sessionTimeout, LossOn.LOST);
		Lease lease = holder.acquire(KEY, LockOptions.ttl(Duration.ofSeconds(60)));
		CountDownLatch lost = new CountDownLatch(1);
		lease.onLost(lost::countDown);

		server.kill();

		// The local validity is bounded by the negotiated session timeout, not the 60s
		// ttl,
		// so it ends before the server could expire the session (and before Curator
		// declares it lost).
		assertThat(lost.await(60, TimeUnit.SECONDS)).as("the loss is reported").isTrue();
		assertThat(this.lostReports).singleElement().asString().contains("the server's bound of 4000ms");
		server.restart();
		// The restarted server expires the old session one session timeout after it comes
		// back.
		try (Lease next = other.acquire(KEY, waitFor(Duration.ofSeconds(30)))) {
			assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
		}
		lease.release();
	}

	@Test
	void anOutageIsAnErrorNeverBusy(@Dedicated ZooKeeperServer server) throws Exception {
		DefaultLockTemplate holder = instance(server, ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
		DefaultLockTemplate waiter = instance(server, ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
		DefaultLockTemplate late = instance(server, ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
		holder.acquire(KEY, waitFor(Duration.ZERO));
		assertThat(late.checkConnection()).as("the health check asks the server").isTrue();
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			CountDownLatch waiting = new CountDownLatch(1);
			Future<Lease> queued = pool.submit(() -> {
				waiting.countDown();
				return waiter.acquire(KEY, waitFor(Duration.ofSeconds(5)));
			});
			assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !queued.isDone());

			server.kill();

			// The waiter rides out the outage until its wait time ends, then gets the
			// error, never "busy".
			assertThatThrownBy(() -> queued.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
				.cause()
				.isInstanceOf(LockBackendException.class);
			assertThatThrownBy(() -> late.tryAcquire(KEY, waitFor(Duration.ZERO)))
				.isInstanceOf(LockBackendException.class)
				.hasMessageContaining("Not connected to ZooKeeper");
			assertThatThrownBy(late::checkConnection).isInstanceOf(LockBackendException.class);
		}
		finally {
			pool.shutdownNow();
		}
	}

}
