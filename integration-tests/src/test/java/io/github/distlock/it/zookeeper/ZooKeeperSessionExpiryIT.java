package io.github.distlock.it.zookeeper;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockLostEvent;
import io.github.distlock.LockLostException;
import io.github.distlock.LockOptions;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.LockListener;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.ZooKeeperServer;
import io.github.distlock.metrics.MicrometerLockListener;
import io.github.distlock.spi.LockBackend;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A holder whose ZooKeeper session the server expires learns of it through every channel
 * (onLost, the lost metric, the LockLostEvent, the lost-lock policy) under both loss
 * policies, and another client takes over at once, because the server deleted the
 * holder's ephemeral node. A lock node deleted by an operator is noticed at the next
 * renewal.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ZooKeeperSessionExpiryIT {

	private final ZooKeeperServer server;

	ZooKeeperSessionExpiryIT(ZooKeeperServer server) {
		this.server = server;
	}

	private static String uniqueKey(String name) {
		return name + ":" + UUID.randomUUID();
	}

	private static LockOptions waitFor(Duration waitTime) {
		return LockOptions.defaults().withWaitTime(waitTime);
	}

	@ParameterizedTest
	@EnumSource(LossOn.class)
	void expiredSessionReachesOnLostMetricsEventAndPolicyAndAnotherClientAcquires(LossOn lossOn) {
		ZooKeeperTestClients.contextRunner(this.server)
			.withPropertyValues("distlock.zookeeper.loss-on=" + lossOn.name().toLowerCase())
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(LostEvents.class)
			.run((context) -> {
				DefaultLockTemplate locks = context.getBean(DefaultLockTemplate.class);
				ZooKeeperLockBackend backend = (ZooKeeperLockBackend) context.getBean(LockBackend.class);
				String key = uniqueKey("expiry-" + lossOn);
				try (ZooKeeperLockBackend otherBackend = ZooKeeperTestClients.backend(this.server,
						ZooKeeperTestClients.SESSION_TIMEOUT, lossOn);
						DefaultLockTemplate other = new DefaultLockTemplate(otherBackend, LockSettings.defaults(),
								List.of())) {
					Lease lease = locks.acquire(key, LockOptions.ttl(Duration.ofSeconds(30)));
					CountDownLatch lost = new CountDownLatch(1);
					lease.onLost(lost::countDown);
					assertThat(other.tryAcquire(key, waitFor(Duration.ZERO))).isEmpty();

					assertThatThrownBy(() -> locks.call(lease, LostLockPolicy.THROW, () -> {
						this.server.expireSession(backend.client());
						assertThat(lost.await(30, TimeUnit.SECONDS)).as("onLost fires").isTrue();
						assertThat(lease.isHeld()).isFalse();
						return null;
					})).isInstanceOf(LockLostException.class);

					assertThat(context.getBean(LostEvents.class).events).singleElement()
						.satisfies((event) -> assertThat(event.getFencingToken()).isEqualTo(lease.fencingToken()));
					assertThat(context.getBean(MeterRegistry.class).get(MicrometerLockListener.LOST).counter().count())
						.isEqualTo(1);
					try (Lease next = other.acquire(key, waitFor(Duration.ofSeconds(10)))) {
						assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
					}
				}
			});
	}

	@Test
	void interruptPolicyInterruptsTheHolderWhenItsSessionExpires() throws Exception {
		try (ZooKeeperLockBackend backend = ZooKeeperTestClients.backend(this.server,
				ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.LOST);
				DefaultLockTemplate locks = new DefaultLockTemplate(backend, LockSettings.defaults(), List.of())) {
			Lease lease = locks.acquire(uniqueKey("interrupt"), waitFor(Duration.ZERO));
			assertThatThrownBy(() -> locks.call(lease, LostLockPolicy.INTERRUPT, () -> {
				this.server.expireSession(backend.client());
				return new CountDownLatch(1).await(60, TimeUnit.SECONDS);
			})).isInstanceOf(InterruptedException.class);
			assertThat(Thread.currentThread().isInterrupted()).as("the interrupt does not leak past the lock")
				.isFalse();
		}
	}

	@Test
	void waiterTakesOverAtOnceWhenTheHolderSessionExpiresAndTheStaleReleaseChangesNothing() throws Exception {
		String key = uniqueKey("takeover");
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try (ZooKeeperLockBackend holderBackend = ZooKeeperTestClients.backend(this.server,
				ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
				ZooKeeperLockBackend waiterBackend = ZooKeeperTestClients.backend(this.server,
						ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
				ZooKeeperLockBackend thirdBackend = ZooKeeperTestClients.backend(this.server,
						ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
				DefaultLockTemplate holder = new DefaultLockTemplate(holderBackend, LockSettings.defaults(), List.of());
				DefaultLockTemplate waiter = new DefaultLockTemplate(waiterBackend, LockSettings.defaults(), List.of());
				DefaultLockTemplate third = new DefaultLockTemplate(thirdBackend, LockSettings.defaults(), List.of())) {
			Lease stale = holder.acquire(key, waitFor(Duration.ZERO));
			CountDownLatch told = new CountDownLatch(1);
			stale.onLost(told::countDown);
			CountDownLatch waiting = new CountDownLatch(1);
			Future<Long> token = pool.submit(() -> {
				waiting.countDown();
				return waiter.acquire(key, waitFor(Duration.ofSeconds(60))).fencingToken();
			});
			assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
			String keyPath = ZooKeeperTestClients.BASE_PATH + "/" + LockKeys.encode(key);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> waiterBackend.client().getChildren().forPath(keyPath).size() == 2);
			assertThat(token).as("the waiter is queued behind the holder").isNotDone();
			this.server.expireSession(holderBackend.client());
			// The server deleted the node at once and the waiter's watch on it fired: the
			// session timeout
			// (10s) plays no part.
			assertThat(token.get(5, TimeUnit.SECONDS)).isGreaterThan(stale.fencingToken());
			assertThat(told.await(30, TimeUnit.SECONDS)).as("the former holder is told").isTrue();

			stale.release();
			assertThat(third.tryAcquire(key, waitFor(Duration.ZERO))).as("the stale release freed nothing").isEmpty();
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void lockNodeDeletedByAnOperatorIsNoticedAtTheNextRenewal() throws Exception {
		String key = uniqueKey("deleted");
		List<String> reasons = new CopyOnWriteArrayList<>();
		try (ZooKeeperLockBackend backend = ZooKeeperTestClients.backend(this.server,
				ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
				DefaultLockTemplate locks = new DefaultLockTemplate(backend, LockSettings.defaults(),
						List.of(new LockListener() {
							@Override
							public void lost(LockInfo lock, long fencingToken, String reason) {
								reasons.add(reason);
							}
						}));
				CuratorFramework operator = ZooKeeperTestClients.client(this.server,
						ZooKeeperTestClients.SESSION_TIMEOUT)) {
			Lease lease = locks.acquire(key, LockOptions.ttl(Duration.ofSeconds(3)));
			CountDownLatch lost = new CountDownLatch(1);
			lease.onLost(lost::countDown);
			String keyPath = ZooKeeperTestClients.BASE_PATH + "/" + LockKeys.encode(key);
			operator.delete().forPath(keyPath + "/" + operator.getChildren().forPath(keyPath).get(0));

			assertThat(lost.await(10, TimeUnit.SECONDS)).as("renewal notices the missing node").isTrue();
			assertThat(reasons).singleElement().asString().contains("no longer exists");
			lease.release();
		}
	}

	/**
	 * Collects the LockLostEvents the application receives.
	 */
	static final class LostEvents implements ApplicationListener<LockLostEvent> {

		final List<LockLostEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(LockLostEvent event) {
			this.events.add(event);
		}

	}

}
