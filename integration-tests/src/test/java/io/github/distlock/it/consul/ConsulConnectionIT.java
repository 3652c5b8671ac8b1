package io.github.distlock.it.consul;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.distlock.backend.consul.ConsulApi;
import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.core.LockKeys;
import io.github.distlock.it.servers.ConsulServer;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.TcpProxy;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backend's connections to a real Consul agent: a kept-alive connection that the
 * agent closed, between two requests or under one that it had not answered, costs a
 * retry, never a failed acquisition or release.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConsulConnectionIT {

	private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

	private final ConsulServer consul;

	private final ConsulLockSettings settings = ConsulLockSettings.defaults()
		.withKeyPrefix("distlock-it/connection")
		.withLockDelay(Duration.ZERO)
		.withSessionName("distlock-it-" + UUID.randomUUID());

	ConsulConnectionIT(ConsulServer consul) {
		this.consul = consul;
	}

	@Test
	void requestsOnConnectionsClosedBehindTheClientsBackSucceed() throws Exception {
		LockRequest request = new LockRequest(LockKeys.encode("severed:" + UUID.randomUUID()), TEN_SECONDS,
				Duration.ZERO);
		try (TcpProxy proxy = TcpProxy.start(this.consul.httpPort());
				ConsulLockBackend backend = new ConsulLockBackend(
						new ConsulApi("http://127.0.0.1:" + proxy.port(), ConsulApi.httpClient(null), null),
						this.settings)) {
			for (int i = 0; i < 20; i++) {
				BackendLock lease = backend.tryAcquire(request).orElse(null);
				assertThat(lease).as("acquisition %d after the pooled connection was closed", i).isNotNull();
				// What the agent does to an idle kept-alive connection, here between two
				// requests of one lock.
				assertThat(proxy.sever()).isPositive();
				assertThat(lease.release()).as("release %d after the pooled connection was closed", i).isTrue();
				assertThat(proxy.sever()).isPositive();
			}
		}
	}

	@Test
	void requestsWhoseConnectionIsClosedBeforeTheAgentAnsweredAreRetried() throws Exception {
		LockRequest request = new LockRequest(LockKeys.encode("unanswered:" + UUID.randomUUID()), TEN_SECONDS,
				Duration.ZERO);
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try (TcpProxy proxy = TcpProxy.start(this.consul.httpPort());
				ConsulLockBackend backend = new ConsulLockBackend(
						new ConsulApi("http://127.0.0.1:" + proxy.port(), ConsulApi.httpClient(null), null),
						this.settings)) {
			// Creates the session and leaves a kept-alive connection in the client's
			// pool.
			assertThat(backend.tryAcquire(request).orElseThrow().release()).isTrue();
			Optional<BackendLock> lease = unanswered(proxy, caller, () -> backend.tryAcquire(request));
			assertThat(lease).as("the lock request retried on a new connection").isPresent();
			assertThat(unanswered(proxy, caller, lease.get()::release)).as("the release retried").isTrue();
		}
		finally {
			caller.shutdownNow();
		}
	}

	/**
	 * Runs {@code request} on {@code caller} while the proxy holds its bytes back from
	 * the agent, closes the connection once the request is sent and awaits its answer,
	 * then lets later connections through.
	 */
	private static <T> T unanswered(TcpProxy proxy, ExecutorService caller, Callable<T> request) throws Exception {
		AtomicReference<Thread> thread = new AtomicReference<>();
		proxy.stall();
		Future<T> result = caller.submit(() -> {
			thread.set(Thread.currentThread());
			return request.call();
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> awaitsAnswer(thread.get()));
		assertThat(proxy.sever()).isPositive();
		proxy.resume();
		return result.get(30, TimeUnit.SECONDS);
	}

	/**
	 * Whether {@code thread} is parked in java.net.http's send, waiting for an answer.
	 */
	private static boolean awaitsAnswer(Thread thread) {
		return thread != null && thread.getState() == Thread.State.WAITING && Arrays.stream(thread.getStackTrace())
			.anyMatch(
					(frame) -> frame.getClassName().endsWith("HttpClientImpl") && frame.getMethodName().equals("send"));
	}

}
