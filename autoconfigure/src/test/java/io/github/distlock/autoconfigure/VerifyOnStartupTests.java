package io.github.distlock.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.actuate.DistlockHealthIndicator;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.spi.LockBackend;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code distlock.verify-on-startup}: on (the default) an unreachable server stops the
 * startup; off, the application starts, its health is DOWN and acquisitions fail until
 * the server answers, and then work. The candidate stands in for a backend's creation
 * only (whether its server answers); the server protocols are proven in the integration
 * tests ({@code RedisStartupWithoutServerIT}).
 */
class VerifyOnStartupTests {

	private final ServerStandIn server = new ServerStandIn();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DistlockAutoConfiguration.class, DistlockActuatorAutoConfiguration.class))
		.withPropertyValues("distlock.backend=redis")
		.withBean(LockBackendCandidate.class, () -> this.server);

	@Test
	void byDefaultAnUnreachableServerStopsTheStartup() {
		this.runner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("Connection refused");
			assertThat(new BackendSelectionFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
				.contains("To start without the server (health DOWN and locks failing with LockBackendException "
						+ "until it answers), set distlock.verify-on-startup: false.");
		});
	}

	@Test
	void offTheApplicationStartsDownAndLocksOnceTheServerAnswers() {
		this.runner.withPropertyValues("distlock.verify-on-startup=false").run((context) -> {
			assertThat(context).hasNotFailed();
			DistlockHealthIndicator health = context.getBean(DistlockHealthIndicator.class);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
			LockTemplate locks = context.getBean(LockTemplate.class);
			assertThatExceptionOfType(LockBackendException.class)
				.isThrownBy(() -> locks.acquire("order:1", LockOptions.ttl(Duration.ofSeconds(5))))
				.withMessageContaining(
						"distlock has not reached its redis server yet (distlock.verify-on-startup is " + "false)")
				.withMessageContaining("Connection refused");
			this.server.up.set(true);
			try (Lease lease = locks.acquire("order:1", LockOptions.ttl(Duration.ofSeconds(5)))) {
				assertThat(lease.isHeld()).isTrue();
			}
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			assertThat(this.server.created).as("created once, then reused").hasValue(1);
		});
	}

	@Test
	void offAServerThatRefusesTheConfigurationStillStopsTheStartup() {
		this.server.refuses.set(true);
		this.runner.withPropertyValues("distlock.verify-on-startup=false").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("WRONGPASS");
		});
	}

	/**
	 * A backend candidate whose server is down until {@code up} is set; once up, the
	 * backend it creates is the in-JVM one.
	 */
	private static final class ServerStandIn implements LockBackendCandidate {

		final AtomicBoolean up = new AtomicBoolean();

		final AtomicBoolean refuses = new AtomicBoolean();

		final AtomicInteger created = new AtomicInteger();

		@Override
		public BackendType type() {
			return BackendType.REDIS;
		}

		@Override
		public boolean connectionConfigured() {
			return true;
		}

		@Override
		public LockBackend create() {
			if (this.refuses.get()) {
				throw RedisStartupException.unusable(RedisStartupException.Problem.CREDENTIALS_REFUSED, "distlock",
						new IllegalStateException("WRONGPASS invalid username-password pair"));
			}
			if (!this.up.get()) {
				throw RedisStartupException.unusable(RedisStartupException.Problem.UNREACHABLE, "distlock",
						new IllegalStateException("Connection refused: localhost/127.0.0.1:6379"));
			}
			this.created.incrementAndGet();
			return new LocalLockBackend();
		}

	}

}
