package io.github.distlock.it.consul;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.core.LockKeys;
import io.github.distlock.it.servers.ConsulServer;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consul's lock-delay: after a session holding a key is invalidated, nobody can lock the
 * key until the delay has passed, and a waiter gets it after that without polling Consul
 * in a tight loop.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConsulLockDelayIT {

	private static final Duration LOCK_DELAY = Duration.ofSeconds(4);

	/**
	 * Consul measures the delay on its own clock; the test reads ours a little after the
	 * destroy returns.
	 */
	private static final Duration CLOCK_SLACK = Duration.ofMillis(300);

	private final ConsulAgent agent;

	ConsulLockDelayIT(ConsulServer consul) {
		this.agent = new ConsulAgent(consul);
	}

	@Test
	void anotherSessionCannotLockBeforeTheLockDelayEndsAndCanAfter() throws Exception {
		ConsulLockSettings settings = ConsulLockSettings.defaults()
			.withKeyPrefix("distlock-it/lock-delay")
			.withLockDelay(LOCK_DELAY);
		String key = LockKeys.encode("delayed:" + UUID.randomUUID());
		String path = settings.keyPrefix() + "/" + key;
		RequestLog waiterLog = new RequestLog();
		try (ConsulLockBackend holder = this.agent.backend(settings);
				ConsulLockBackend waiter = this.agent.backend(settings, waiterLog)) {
			BackendLock held = holder.tryAcquire(request(key, Duration.ZERO)).orElseThrow();

			long destroyedAt = System.nanoTime();
			this.agent.destroyHolderSession(path);
			assertThat(this.agent.holderSession(path)).as("Consul released the key").isNull();

			assertThat(waiter.tryAcquire(request(key, Duration.ZERO))).as("refused during the lock-delay").isEmpty();
			assertThat(Duration.ofNanos(System.nanoTime() - destroyedAt)).as("the refusal came within the delay")
				.isLessThan(LOCK_DELAY.minus(CLOCK_SLACK));

			int requestsBefore = waiterLog.size();
			Optional<BackendLock> next = waiter.tryAcquire(request(key, Duration.ofSeconds(30)));
			Duration waited = Duration.ofNanos(System.nanoTime() - destroyedAt);

			assertThat(next).as("acquired once the lock-delay passed").isPresent();
			assertThat(waited).isGreaterThanOrEqualTo(LOCK_DELAY.minus(CLOCK_SLACK));
			assertThat(next.get().fencingToken()).isGreaterThan(held.fencingToken());
			// Bounded, growing pauses (100ms doubling to 1s): a handful of requests, not
			// a busy loop.
			assertThat(waiterLog.since(requestsBefore)).hasSizeLessThan(30);
			assertThat(next.get().release()).isTrue();
		}
	}

	private static LockRequest request(String key, Duration waitTime) {
		return new LockRequest(key, ConsulLockSettings.MIN_TTL, waitTime);
	}

}
