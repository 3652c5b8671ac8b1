package io.github.distlock.it.shutdown;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.core.DefaultLockTemplate;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The steps every backend's shutdown test takes: a context runs a long locked method, is
 * closed, refuses new locks while it waits out its grace period, and lets the lock go.
 */
public final class ShutdownScenario {

	/** Much shorter than every ttl and session timeout in these tests. */
	public static final Duration GRACE = Duration.ofSeconds(2);

	private final ConfigurableApplicationContext context;

	private final LongLockedJob job;

	private final DefaultLockTemplate locks;

	private CompletableFuture<Void> running;

	private CompletableFuture<Void> closing;

	public ShutdownScenario(ConfigurableApplicationContext context) {
		this.context = context;
		this.job = context.getBean(LongLockedJob.class);
		this.locks = context.getBean(DefaultLockTemplate.class);
	}

	/**
	 * Starts the long method, then closes the context while it runs, and checks that a
	 * new lock is refused meanwhile.
	 */
	public void closeWhileTheLongMethodRuns() throws InterruptedException {
		this.running = CompletableFuture.runAsync(() -> {
			try {
				this.job.runLong();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThat(this.job.awaitStarted(20)).as("the long method started").isTrue();
		this.closing = CompletableFuture.runAsync(this.context::close);
		await().atMost(Duration.ofSeconds(10)).until(this.locks::isShuttingDown);
		assertThatThrownBy(this.job::runShort).isInstanceOf(LockNotAcquiredException.class)
			.hasMessageContaining("the application is shutting down");
	}

	/**
	 * Waits for the close to end and lets the long method return.
	 */
	public void finish() throws Exception {
		this.closing.get(30, TimeUnit.SECONDS);
		this.job.finish();
		this.running.get(30, TimeUnit.SECONDS);
	}

}
