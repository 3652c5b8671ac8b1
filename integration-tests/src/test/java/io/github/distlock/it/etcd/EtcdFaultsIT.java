package io.github.distlock.it.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.etcd.EtcdLockBackend;
import io.github.distlock.core.LockListener;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.EtcdServer;
import io.github.distlock.it.servers.RealServersExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a lock holder sees when its etcd server freezes or restarts.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EtcdFaultsIT {

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final List<String> lostReports = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	private DefaultLockTemplate instance(EtcdServer etcd) {
		EtcdLockBackend backend = EtcdTestSupport.backend(etcd);
		this.closeables.add(backend);
		DefaultLockTemplate manager = new DefaultLockTemplate(backend, LockSettings.defaults(),
				List.of(new LockListener() {
					@Override
					public void lost(LockInfo lock, long fencingToken, String reason) {
						EtcdFaultsIT.this.lostReports.add(lock.key() + ": " + reason);
					}
				}));
		this.closeables.add(manager);
		return manager;
	}

	@Test
	void aServerFrozenLongerThanTheTtlCostsTheLockAndAnotherClientGetsIt(@Dedicated EtcdServer etcd) throws Exception {
		Duration ttl = Duration.ofSeconds(2);
		DefaultLockTemplate holder = instance(etcd);
		DefaultLockTemplate waiter = instance(etcd);
		Lease held = holder.acquire("frozen", LockOptions.ttl(ttl));
		CountDownLatch lost = new CountDownLatch(1);
		held.onLost(lost::countDown);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			// Queued on the server behind the holder before the freeze; its own lease has
			// a longer ttl.
			Future<Long> next = pool.submit(() -> {
				try (Lease lease = waiter.acquire("frozen",
						LockOptions.ttl(Duration.ofSeconds(30)).withWaitTime(Duration.ofSeconds(60)))) {
					return lease.fencingToken();
				}
			});
			try (Client admin = EtcdTestSupport.client(etcd)) {
				await().atMost(Duration.ofSeconds(20)).until(() -> EtcdTestSupport.queue(admin, "frozen").size() == 2);
			}
			etcd.pause();
			try {
				assertThat(lost.await(ttl.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS))
					.as("the holder learns of the loss while the server is still frozen")
					.isTrue();
				assertThat(held.isHeld()).isFalse();
				assertThat(next).as("nobody can take the lock from a frozen server").isNotDone();
			}
			finally {
				etcd.resume();
			}
			assertThat(next.get(30, TimeUnit.SECONDS)).isGreaterThan(held.fencingToken());
			assertThat(this.lostReports).singleElement().asString().startsWith("frozen: ");
		}
		finally {
			pool.shutdownNow();
		}
		held.release();
	}

	@Test
	void aLockSurvivesAServerRestartWithinTheTtl(@Dedicated EtcdServer etcd) throws Exception {
		// Long enough for a slow restart plus gRPC's reconnect backoff (1s, 2.6s, 5.2s,
		// ...).
		Duration ttl = Duration.ofSeconds(15);
		DefaultLockTemplate holder = instance(etcd);
		DefaultLockTemplate other = instance(etcd);
		try (Lease held = holder.acquire("restart", LockOptions.ttl(ttl))) {
			long restartedAt = System.nanoTime();
			etcd.restart();
			assertThat(Duration.ofNanos(System.nanoTime() - restartedAt)).as("restart time").isLessThan(ttl);
			// Held for longer than a ttl after the restart: keepalives reached the
			// restarted server.
			await().during(ttl.plusSeconds(2))
				.atMost(ttl.plusSeconds(20))
				.pollInterval(Duration.ofMillis(500))
				.until(held::isHeld);
			assertThat(other.tryAcquire("restart", LockOptions.defaults())).isEmpty();
			try (Client admin = EtcdTestSupport.client(etcd)) {
				List<KeyValue> queue = EtcdTestSupport.queue(admin, "restart");
				assertThat(queue).singleElement()
					.satisfies((kv) -> assertThat(kv.getCreateRevision())
						.as("the lease token's backend part (Semantics 16)")
						.isEqualTo(held.fencingToken() >> 10));
			}
			assertThat(this.lostReports).isEmpty();
		}
	}

}
