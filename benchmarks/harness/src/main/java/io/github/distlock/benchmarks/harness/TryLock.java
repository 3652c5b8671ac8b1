package io.github.distlock.benchmarks.harness;

import java.time.Duration;
import java.util.Optional;

/**
 * A lock that can only be tried, never waited for: floors and try-only peers. Under
 * contention the benchmark retries it every millisecond, the usual hand-written loop.
 */
@FunctionalInterface
public interface TryLock {

	/** How long a retrying acquire waits before it gives up. */
	Duration WAIT_LIMIT = Duration.ofSeconds(30);

	/**
	 * Tries once to acquire {@code key}.
	 * @param key the lock's name
	 * @return how to release it, or empty when someone else holds it
	 * @throws Exception when the server failed
	 */
	Optional<LockClient.Release> tryAcquire(String key) throws Exception;

	/**
	 * Acquires {@code key}, retrying every millisecond for at most {@link #WAIT_LIMIT}.
	 * @param key the lock's name
	 * @return how to release it
	 * @throws Exception when the server failed or the wait limit passed
	 */
	default LockClient.Release acquireRetrying(String key) throws Exception {
		long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
		while (true) {
			Optional<LockClient.Release> release = tryAcquire(key);
			if (release.isPresent()) {
				return release.get();
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("'" + key + "' still busy after " + WAIT_LIMIT);
			}
			Thread.sleep(1);
		}
	}

	/**
	 * A client that acquires by retrying this lock.
	 * @param close what closing the client does
	 * @return the client
	 */
	default LockClient retryingClient(AutoCloseable close) {
		return LockClient.of(this::acquireRetrying, close);
	}

}
