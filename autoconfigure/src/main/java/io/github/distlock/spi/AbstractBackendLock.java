package io.github.distlock.spi;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Base class for backend locks: holds the fencing token and the confirmation time, and
 * delivers a loss report to the registered listener exactly once, however the report and
 * the registration race.
 */
public abstract class AbstractBackendLock implements BackendLock {

	private final long fencingToken;

	private volatile long confirmedAtNanos;

	private final AtomicReference<@Nullable Consumer<String>> listener = new AtomicReference<>();

	private final AtomicReference<@Nullable String> lostReason = new AtomicReference<>();

	private volatile boolean delivered;

	/**
	 * Creates a lock confirmed at {@code confirmedAtNanos} (read before the acquire
	 * request was sent).
	 */
	protected AbstractBackendLock(long fencingToken, long confirmedAtNanos) {
		this.fencingToken = fencingToken;
		this.confirmedAtNanos = confirmedAtNanos;
	}

	@Override
	public final long fencingToken() {
		return this.fencingToken;
	}

	@Override
	public final long confirmedAtNanos() {
		return this.confirmedAtNanos;
	}

	/**
	 * Records a successful confirmation whose request was sent at {@code sentAtNanos}.
	 */
	protected final void confirmed(long sentAtNanos) {
		if (sentAtNanos - this.confirmedAtNanos > 0) {
			this.confirmedAtNanos = sentAtNanos;
		}
	}

	/**
	 * Whether a loss has been reported.
	 */
	protected final boolean isLostReported() {
		return this.lostReason.get() != null;
	}

	/**
	 * Reports that the server no longer holds this lock for us; later reports are
	 * ignored.
	 */
	protected final void reportLost(String reason) {
		Objects.requireNonNull(reason, "reason");
		if (this.lostReason.compareAndSet(null, reason)) {
			deliver();
		}
	}

	@Override
	public final void onLost(Consumer<String> listener) {
		Objects.requireNonNull(listener, "listener");
		if (!this.listener.compareAndSet(null, listener)) {
			throw new IllegalStateException("A loss listener is already registered");
		}
		deliver();
	}

	private void deliver() {
		Consumer<String> target = this.listener.get();
		String reason = this.lostReason.get();
		if (target == null || reason == null) {
			return;
		}
		synchronized (this) {
			if (this.delivered) {
				return;
			}
			this.delivered = true;
		}
		target.accept(reason);
	}

}
