package io.github.distlock.autoconfigure;

import java.time.Duration;

import io.github.distlock.core.DefaultLockTemplate;
import org.springframework.context.SmartLifecycle;

/**
 * Shuts distlock down gracefully when the application context closes: no new locks, up to
 * {@code distlock.shutdown.grace-period} for the running locked code, then every lock
 * released and every session ended.
 *
 * <p>
 * Its phase puts this after the web server's graceful shutdown and stop
 * ({@code DEFAULT_PHASE - 1024} and {@code - 2048}), so that requests still draining get
 * their locks, and before every bean's destruction: an application's own
 * {@code CuratorFramework} bean is closed, and Spring Cloud Consul deregisters the
 * service (ending the sessions bound to its check), only when the beans are destroyed,
 * after all lifecycle beans have stopped.
 */
final class DistlockShutdown implements SmartLifecycle {

	/**
	 * The phase in which distlock stops.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final DefaultLockTemplate locks;

	private final Duration gracePeriod;

	private volatile boolean running;

	DistlockShutdown(DefaultLockTemplate locks, Duration gracePeriod) {
		this.locks = locks;
		this.gracePeriod = gracePeriod;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		try {
			this.locks.shutdown(this.gracePeriod);
		}
		finally {
			this.running = false;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
