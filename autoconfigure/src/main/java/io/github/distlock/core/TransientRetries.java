package io.github.distlock.core;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.distlock.LockBackendException;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Acquires through a backend until the wait deadline, riding out
 * {@linkplain LockBackendException#isTransient() transient} failures (a leader election,
 * a dropped connection, a cluster reconfiguring) with a bounded, jittered backoff: a
 * caller whose wait time outlasts the outage gets the lock, not the error. A failure that
 * is not transient, or a transient one with no time left to wait, reaches the caller at
 * once, the last failure as its cause.
 */
final class TransientRetries {

	private static final Log logger = LogFactory.getLog(TransientRetries.class);

	/** The first pause after a transient failure. */
	static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

	/**
	 * The longest pause between attempts: an election takes seconds, so a caller resumes
	 * within a second of its end.
	 */
	static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

	private TransientRetries() {
	}

	/**
	 * Acquires {@code key} with {@code ttl}, trying until {@code deadline}
	 * ({@link System#nanoTime()}).
	 * @return the lock, or empty when the backend answered "busy" for the time left
	 * @throws LockBackendException when the backend failed for good, or transiently until
	 * the deadline
	 */
	static Optional<BackendLock> acquire(LockBackend backend, String key, Duration ttl, long deadline)
			throws InterruptedException {
		long backoff = FIRST_BACKOFF.toNanos();
		for (int attempt = 1;; attempt++) {
			Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			try {
				return backend.tryAcquire(new LockRequest(key, ttl, remaining));
			}
			catch (LockBackendException ex) {
				long left = deadline - System.nanoTime();
				if (!ex.isTransient() || left <= 0) {
					throw (attempt == 1) ? ex : gaveUp(backend, key, attempt, ex);
				}
				// Full jitter, so that the waiters of many instances do not retry in
				// step.
				long pause = Math.min(left, ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
				if (logger.isDebugEnabled()) {
					logger.debug("Attempt " + attempt + " to acquire lock '" + key + "' failed transiently; trying "
							+ "again in " + TimeUnit.NANOSECONDS.toMillis(pause) + "ms: " + ex.getMessage());
				}
				TimeUnit.NANOSECONDS.sleep(pause);
				backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
			}
		}
	}

	private static LockBackendException gaveUp(LockBackend backend, String key, int attempts,
			LockBackendException last) {
		String why = last.isTransient() ? "until the wait time ran out" : "and then failed for good";
		return new LockBackendException(backend.name() + " failed transiently " + (attempts - 1)
				+ " times while acquiring lock '" + key + "' " + why + "; last: " + last.getMessage(), last,
				last.isTransient());
	}

}
