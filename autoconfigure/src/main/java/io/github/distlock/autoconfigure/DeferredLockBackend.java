package io.github.distlock.autoconfigure;

import java.util.Optional;
import java.util.function.Supplier;

import io.github.distlock.LockBackendException;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A backend whose server was unreachable at startup ({@code distlock.verify-on-startup}
 * off): created at the first acquisition or connection check that reaches the server.
 * Until then each acquisition fails with a {@link LockBackendException} and the health
 * check reports DOWN; no restart is needed once the server answers.
 */
final class DeferredLockBackend implements LockBackend, ConnectionCheck {

	private static final Log logger = LogFactory.getLog(DeferredLockBackend.class);

	private final String name;

	private final Supplier<LockBackend> factory;

	private volatile @Nullable LockBackend backend;

	private boolean closed;

	private DeferredLockBackend(String name, Supplier<LockBackend> factory) {
		this.name = name;
		this.factory = factory;
	}

	/**
	 * Creates the backend now if its server answers, else a deferred one; a failure other
	 * than an unreachable server (a refused password, a missing client) still fails.
	 */
	static LockBackend of(BackendType type, Supplier<LockBackend> factory) {
		try {
			return factory.get();
		}
		catch (BackendSelectionException ex) {
			if (!ex.isServerUnreachable()) {
				throw ex;
			}
			logger
				.warn("distlock starts without its " + type.propertyValue() + " server (distlock.verify-on-startup is "
						+ "false): " + ex.getMessage() + ". Locks fail with LockBackendException and the health check "
						+ "is DOWN until the server answers.");
			return new DeferredLockBackend(type.propertyValue(), factory);
		}
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		return backend().tryAcquire(request);
	}

	@Override
	public void checkConnection() {
		if (backend() instanceof ConnectionCheck check) {
			check.checkConnection();
		}
	}

	private LockBackend backend() {
		LockBackend created = this.backend;
		if (created != null) {
			return created;
		}
		// One attempt at a time: each may wait for a connection timeout.
		synchronized (this) {
			if (this.backend == null) {
				if (this.closed) {
					throw new LockBackendException("The " + this.name + " lock backend is closed");
				}
				try {
					this.backend = this.factory.get();
					logger.info("distlock reached its " + this.name + " server; locks work from now on");
				}
				catch (RuntimeException ex) {
					throw new LockBackendException("distlock has not reached its " + this.name + " server yet "
							+ "(distlock.verify-on-startup is false): " + ex.getMessage(), ex);
				}
			}
			return this.backend;
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		LockBackend created = this.backend;
		if (created != null) {
			created.close();
		}
	}

}
