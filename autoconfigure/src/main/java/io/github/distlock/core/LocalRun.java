package io.github.distlock.core;

import java.time.Duration;

import io.github.distlock.spi.BackendLock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One backend acquisition and the local holders it passes through in turn
 * ({@link LockSettings.Handoff}): it numbers their fencing tokens, forwards the backend's
 * loss report to whichever of them holds it at that moment (or to the next one, when the
 * loss falls between two), and decides whether one more hand-over is allowed.
 */
final class LocalRun {

	private static final Log logger = LogFactory.getLog(LocalRun.class);

	final BackendLock backendLock;

	/** The ttl it was acquired with: only a waiter asking for the same takes it over. */
	final Duration ttl;

	private final String backend;

	private final String display;

	private final long startedAtNanos = System.nanoTime();

	private int holders;

	private @Nullable ManagedLock current;

	private @Nullable String lostReason;

	LocalRun(BackendLock backendLock, Duration ttl, String backend, String display) {
		this.backendLock = backendLock;
		this.ttl = ttl;
		this.backend = backend;
		this.display = display;
		// Checks the token's range before anyone holds it.
		FencingTokens.of(backendLock.fencingToken(), 0, backend, display);
		backendLock.onLost(this::lost);
	}

	/** The fencing token of the next holder. */
	synchronized long nextToken() {
		return FencingTokens.of(this.backendLock.fencingToken(), this.holders++, this.backend, this.display);
	}

	/** {@code lock} holds it now; a loss reported meanwhile reaches it at once. */
	void attach(ManagedLock lock) {
		String reason;
		synchronized (this) {
			this.current = lock;
			reason = this.lostReason;
		}
		if (reason != null) {
			lock.lost(reason);
		}
	}

	private void lost(String reason) {
		ManagedLock holder;
		synchronized (this) {
			this.lostReason = reason;
			holder = this.current;
		}
		if (holder != null) {
			holder.lost(reason);
		}
	}

	/**
	 * Lets {@code lock} hand the run to the next local holder, if the bounds allow and
	 * the backend lock was confirmed within its hand-over window (by default the last
	 * tenth of its ttl, so that the next holder starts with nearly its whole validity).
	 */
	synchronized boolean handOverFrom(ManagedLock lock, LockSettings.Handoff bounds) {
		long now = System.nanoTime();
		boolean allowed = this.current == lock && this.lostReason == null && bounds.enabled()
				&& this.holders <= bounds.maxCount() && now - this.startedAtNanos < bounds.maxTime().toNanos()
				&& confirmedRecently(now);
		if (allowed) {
			this.current = null;
		}
		return allowed;
	}

	/** Whether a waiter asking for {@code requestedTtl} may take it over now. */
	synchronized boolean acceptsTakeover(Duration requestedTtl) {
		return this.lostReason == null && this.ttl.equals(requestedTtl) && confirmedRecently(System.nanoTime());
	}

	private boolean confirmedRecently(long now) {
		return now - this.backendLock.confirmedAtNanos() < this.backendLock.handOverWindowNanos(this.ttl);
	}

	/** Releases it on the backend, when nobody takes it over. */
	void release() {
		try {
			this.backendLock.release();
		}
		catch (RuntimeException ex) {
			logger.warn("Releasing lock '" + this.display + "' on backend " + this.backend
					+ " after a hand-over nobody took failed; the server frees it when its ttl ends: " + ex);
		}
	}

}
