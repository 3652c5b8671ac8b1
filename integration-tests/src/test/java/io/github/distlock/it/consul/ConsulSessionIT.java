package io.github.distlock.it.consul;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.consul.ConsulApi;
import io.github.distlock.backend.consul.ConsulApiException;
import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.backend.consul.SessionBehavior;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.LockListener;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.it.servers.ConsulServer;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Sessions on a real Consul agent: shared per ttl, renewed, destroyed from outside,
 * destroyed on close.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConsulSessionIT {

	private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

	private final ConsulAgent agent;

	private final String name = "distlock-it-" + UUID.randomUUID();

	private final ConsulLockSettings settings = ConsulLockSettings.defaults()
		.withKeyPrefix("distlock-it/session")
		.withLockDelay(Duration.ofSeconds(1))
		.withSessionName(this.name);

	private final List<String> lostReports = new CopyOnWriteArrayList<>();

	private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

	ConsulSessionIT(ConsulServer consul) {
		this.agent = new ConsulAgent(consul);
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void destroyedSessionIsReportedLostByTheWatchForEveryLockItHeld() throws Exception {
		// A 60s ttl renews at 30s: only the session watch can report the loss within the
		// bound below.
		LockOptions ttl = LockOptions.ttl(Duration.ofSeconds(60));
		DefaultLockTemplate manager = manager(backend(this.settings));
		Lease first = manager.acquire(key("first"), ttl);
		Lease second = manager.acquire(key("second"), ttl);
		CountDownLatch lost = new CountDownLatch(2);
		first.onLost(lost::countDown);
		second.onLost(lost::countDown);
		assertThat(this.agent.sessions(this.name)).as("both locks share one session").hasSize(1);

		this.agent.destroyHolderSession(path(key("first")));

		assertThat(lost.await(20, TimeUnit.SECONDS)).as("onLost fires for both locks").isTrue();
		assertThat(first.isHeld()).isFalse();
		assertThat(second.isHeld()).isFalse();
		assertThat(this.lostReports).hasSize(2)
			.allSatisfy((report) -> assertThat(report).contains("Consul reported it gone"));
		assertThat(this.agent.holderSession(path(key("second")))).as("Consul released the keys").isNull();
	}

	@Test
	void renewalAnswered404ReportsTheLossWhenSessionsAreNotWatched() throws Exception {
		DefaultLockTemplate manager = manager(
				backend(settings(SessionBehavior.RELEASE, false, false, this.settings.sessionIdleTimeout())));
		Lease lease = manager.acquire(key("renewal"), LockOptions.ttl(TEN_SECONDS));
		CountDownLatch lost = new CountDownLatch(1);
		lease.onLost(lost::countDown);

		this.agent.destroyHolderSession(path(key("renewal")));

		// The session is renewed every 5s; the next renewal learns the session is gone.
		assertThat(lost.await(20, TimeUnit.SECONDS)).as("onLost fires").isTrue();
		assertThat(this.lostReports).singleElement().asString().contains("its renewal was answered 404");
		// A new session replaces the lost one.
		try (Lease next = manager.acquire(key("after"), LockOptions.ttl(TEN_SECONDS))) {
			assertThat(next.isHeld()).isTrue();
			assertThat(this.agent.holderSession(path(key("after")))).isNotNull();
		}
	}

	@Test
	void sessionRenewalsConfirmTheLeaseWhileItsRenewAsksNothingOfConsul() throws Exception {
		RequestLog log = new RequestLog();
		ConsulLockBackend backend = backend(this.settings, log);
		BackendLock lease = backend
			.tryAcquire(new LockRequest(LockKeys.encode(key("confirm")), TEN_SECONDS, Duration.ZERO))
			.orElseThrow();
		long acquiredConfirmation = lease.confirmedAtNanos();
		int requests = log.size();
		for (int i = 0; i < 1000; i++) {
			assertThat(lease.renew()).isTrue();
		}
		// The session watch runs on its own and re-polls whenever any session on the
		// agent changes; only it may
		// have spoken to Consul meanwhile.
		assertThat(log.since(requests)).as("renew() is a local check")
			.allMatch((request) -> request.startsWith("GET /v1/session/info/") && request.contains("index="));
		await().atMost(Duration.ofSeconds(20)).until(() -> lease.confirmedAtNanos() > acquiredConfirmation);
		assertThat(log.since(requests)).anyMatch((request) -> request.startsWith("PUT /v1/session/renew/"));
		assertThat(lease.release()).isTrue();
	}

	@Test
	void locksShareOneSessionPerTtlAndCloseDestroysThem() throws Exception {
		ConsulLockBackend backend = backend(this.settings);
		DefaultLockTemplate manager = manager(backend);
		for (String name : List.of("a", "b", "c")) {
			manager.acquire(key(name), LockOptions.ttl(TEN_SECONDS));
		}
		manager.acquire(key("d"), LockOptions.ttl(Duration.ofSeconds(20)));
		List<Map<String, Object>> sessions = this.agent.sessions(this.name);
		assertThat(sessions).extracting((session) -> session.get("TTL")).containsExactlyInAnyOrder("10s", "20s");
		assertThat(sessions).extracting((session) -> session.get("LockDelay")).containsOnly(1_000_000_000L);
		assertThat(sessions).extracting((session) -> session.get("Behavior")).containsOnly("release");

		manager.close();
		backend.close();

		assertThat(this.agent.sessions(this.name)).as("sessions destroyed on close").isEmpty();
	}

	@Test
	void sessionLeftIdleIsDestroyedAndANewOneServesTheNextLock() throws Exception {
		ConsulLockBackend backend = backend(settings(SessionBehavior.RELEASE, true, false, Duration.ZERO));
		BackendLock held = acquire(backend, key("idle"));
		long acquiredConfirmation = held.confirmedAtNanos();
		await().atMost(Duration.ofSeconds(20)).until(() -> held.confirmedAtNanos() > acquiredConfirmation);
		assertThat(this.agent.sessions(this.name)).as("a session holding a lock is never idle").hasSize(1);

		assertThat(held.release()).isTrue();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.agent.sessions(this.name).isEmpty());

		BackendLock next = acquire(backend, key("idle"));
		assertThat(this.agent.sessions(this.name)).hasSize(1);
		assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
		assertThat(next.release()).isTrue();
	}

	@Test
	void ttlConsulCannotHonourIsRefusedBeforeAnyRequest() throws Exception {
		ConsulLockBackend backend = backend(this.settings);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> backend.tryAcquire(new LockRequest("k", Duration.ofSeconds(5), Duration.ZERO)))
			.withMessageContaining("asked for 5s")
			.withMessageContaining("from 10s to 24h (86400s)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> manager(backend).acquire(key("long"), LockOptions.ttl(Duration.ofHours(25))))
			.withMessageContaining("asked for 90000s");
		assertThat(this.agent.sessions(this.name)).isEmpty();
	}

	@Test
	void sessionBehaviorDeleteDeletesTheKeysOfAnInvalidatedSession() throws Exception {
		DefaultLockTemplate manager = manager(
				backend(settings(SessionBehavior.DELETE, true, false, this.settings.sessionIdleTimeout())));
		manager.acquire(key("deleted"), LockOptions.ttl(TEN_SECONDS));
		assertThat(this.agent.exists(path(key("deleted")))).isTrue();
		this.agent.destroyHolderSession(path(key("deleted")));
		await().atMost(TEN_SECONDS).until(() -> !this.agent.exists(path(key("deleted"))));
	}

	@Test
	void releaseUnlocksTheKeyOrDeletesItAndNeverFreesAnotherHolder() throws Exception {
		String kept = key("kept");
		ConsulLockBackend unlocking = backend(this.settings);
		assertThat(acquire(unlocking, kept).release()).isTrue();
		assertThat(this.agent.exists(path(kept))).as("?release= leaves the entry").isTrue();
		assertThat(this.agent.holderSession(path(kept))).isNull();

		String deleted = key("deleted");
		ConsulLockBackend deleting = backend(
				settings(SessionBehavior.RELEASE, true, true, this.settings.sessionIdleTimeout()));
		BackendLock stale = acquire(deleting, deleted);
		this.agent.destroyHolderSession(path(deleted));
		BackendLock current = deleting
			.tryAcquire(new LockRequest(LockKeys.encode(deleted), TEN_SECONDS, Duration.ofSeconds(15)))
			.orElseThrow();
		assertThat(stale.release()).as("a stale release is refused").isFalse();
		assertThat(this.agent.holderSession(path(deleted))).as("the new holder keeps the key").isNotNull();
		assertThat(current.release()).isTrue();
		assertThat(this.agent.exists(path(deleted))).as("delete-on-release leaves nothing").isFalse();
	}

	@Test
	void interruptingAWaiterEndsItsBlockingQuery() throws Exception {
		acquire(backend(this.settings), key("busy"));
		RequestLog log = new RequestLog();
		ConsulLockBackend waiter = backend(this.settings, log);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<Optional<BackendLock>> attempt = pool.submit(() -> waiter
				.tryAcquire(new LockRequest(LockKeys.encode(key("busy")), TEN_SECONDS, Duration.ofSeconds(60))));
			await().atMost(TEN_SECONDS).until(() -> log.blockingReadsSince(0) > 0);
			pool.shutdownNow();
			assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(InterruptedException.class);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void connectionCheckAsksTheAgentForItsLeader() throws Exception {
		backend(this.settings).checkConnection();
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		ConsulLockBackend nowhere = closed(new ConsulLockBackend(
				new ConsulApi("http://127.0.0.1:" + closedPort, ConsulApi.httpClient(null), null), this.settings));
		assertThatThrownBy(nowhere::checkConnection).isInstanceOfSatisfying(ConsulApiException.class,
				(ex) -> assertThat(ex.isUnreachable()).isTrue());
	}

	private BackendLock acquire(LockBackend backend, String key) throws InterruptedException {
		return backend.tryAcquire(new LockRequest(LockKeys.encode(key), TEN_SECONDS, Duration.ZERO)).orElseThrow();
	}

	private ConsulLockBackend backend(ConsulLockSettings settings) {
		return closed(this.agent.backend(settings));
	}

	private ConsulLockBackend backend(ConsulLockSettings settings, RequestLog log) {
		return closed(this.agent.backend(settings, log));
	}

	private <T extends AutoCloseable> T closed(T closeable) {
		this.closeables.add(0, closeable);
		return closeable;
	}

	private DefaultLockTemplate manager(LockBackend backend) {
		return closed(new DefaultLockTemplate(backend, LockSettings.defaults(), List.of(new LockListener() {
			@Override
			public void lost(LockInfo lock, long fencingToken, String reason) {
				ConsulSessionIT.this.lostReports.add(lock.key() + ": " + reason);
			}
		})));
	}

	private String key(String name) {
		return this.name + ":" + name;
	}

	private String path(String key) {
		return this.settings.keyPrefix() + "/" + LockKeys.encode(key);
	}

	private ConsulLockSettings settings(SessionBehavior behavior, boolean watchSessions, boolean deleteOnRelease,
			Duration sessionIdleTimeout) {
		return new ConsulLockSettings(this.settings.keyPrefix(), behavior, this.settings.lockDelay(), List.of(),
				this.settings.sessionName(), watchSessions, deleteOnRelease, sessionIdleTimeout);
	}

}
