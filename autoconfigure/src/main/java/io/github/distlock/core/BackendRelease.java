package io.github.distlock.core;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.distlock.LockBackendException;
import io.github.distlock.core.LockListener.LockInfo;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ExpiringBackendLock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The release of one lock on its backend, sent once; a release that met a transient
 * failure (a failover) is sent again in the background until the lock's ttl would have
 * ended anyway, which is safe because every backend releases by compare-and-delete.
 */
final class BackendRelease {

	private static final Log logger = LogFactory.getLog(BackendRelease.class);

	private final BackendLock backendLock;

	private final LockInfo info;

	private final long ttlNanos;

	private final ScheduledExecutorService executor;

	private final AtomicBoolean released = new AtomicBoolean();

	private volatile long releaseNanos;

	BackendRelease(BackendLock backendLock, LockInfo info, long ttlNanos, LockScheduler scheduler) {
		this.backendLock = backendLock;
		this.info = info;
		this.ttlNanos = ttlNanos;
		this.executor = scheduler.executor();
	}

	/**
	 * Releases the lock on the backend unless that was done already.
	 * @return whether the backend deleted our lock (or it was already released by us)
	 */
	boolean once() {
		if (!this.released.compareAndSet(false, true)) {
			return true;
		}
		long start = System.nanoTime();
		try {
			boolean ours = this.backendLock.release();
			this.releaseNanos = System.nanoTime() - start;
			return ours;
		}
		catch (LockBackendException ex) {
			// Compare-and-delete is idempotent, so a release that met a failover is sent
			// again: waiters then resume once the server is back, not only at the ttl.
			long until = this.backendLock.confirmedAtNanos() + this.ttlNanos;
			boolean retried = ex.isTransient() && until - System.nanoTime() > 0;
			logger.warn("Releasing lock '" + this.info.key() + "' on backend " + this.info.backend() + " failed"
					+ (retried ? " (retried in the background until its ttl would have ended)" : "") + ": "
					+ ex.getMessage());
			if (retried) {
				retryRelease(until, TransientRetries.FIRST_BACKOFF.toNanos());
			}
			return true;
		}
		catch (RuntimeException ex) {
			logger
				.warn("Releasing lock '" + this.info.key() + "' on backend " + this.info.backend() + " failed: " + ex);
			return true;
		}
	}

	/**
	 * How long this instance's next thread leaves the lock to another instance notified
	 * of the release: the release's round trip, twice (the notification's way there and
	 * the acquisition's way back); 0 when nobody else waited, or the release failed.
	 */
	long courtesyNanos() {
		return this.backendLock.othersWaitedAtRelease() ? 2 * this.releaseNanos : 0;
	}

	private void retryRelease(long untilNanos, long backoffNanos) {
		try {
			this.executor.schedule(() -> {
				try {
					this.backendLock.release();
					logger.info("Released lock '" + this.info.key() + "' on backend " + this.info.backend()
							+ " on a background retry");
				}
				catch (RuntimeException ex) {
					long next = Math.min(backoffNanos * 2, TransientRetries.MAX_BACKOFF.toNanos());
					boolean again = ex instanceof LockBackendException backend && backend.isTransient()
							&& untilNanos - System.nanoTime() - next > 0;
					if (again) {
						retryRelease(untilNanos, next);
					}
					else if (logger.isDebugEnabled()) {
						logger.debug("Gave up releasing lock '" + this.info.key() + "' in the background", ex);
					}
				}
			}, backoffNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: the server frees the lock at the end of its ttl.
		}
	}

	/**
	 * Where the remainder of a holdAtLeast is kept: by the server's expiry, nowhere (the
	 * lock is gone), or here, renewing it until then.
	 */
	enum Remainder {

		ON_SERVER, GONE, LOCAL

	}

	/**
	 * Asks the server to expire the lock when the remainder ends, where the backend keeps
	 * a per-lock expiry.
	 */
	Remainder handRemainderToServer(long remainingNanos) {
		if (!(this.backendLock instanceof ExpiringBackendLock expiring)) {
			return Remainder.LOCAL;
		}
		try {
			return expiring.expireAfter(Duration.ofNanos(remainingNanos)) ? Remainder.ON_SERVER : Remainder.GONE;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not hand the holdAtLeast remainder of lock '" + this.info.key()
					+ "' to the server's expiry; renewing it until then instead: " + ex);
		}
		return Remainder.LOCAL;
	}

}
