package io.github.distlock.core;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * How often a lock was renewed and when last, as the operator's endpoint shows it.
 */
final class RenewalCount {

	private final AtomicLong count = new AtomicLong();

	private volatile @Nullable Instant last;

	void record() {
		this.count.incrementAndGet();
		this.last = Instant.now();
	}

	/** Successful renewals so far. */
	long count() {
		return this.count.get();
	}

	/** When the last successful renewal ended, or {@code null} before the first. */
	@Nullable Instant last() {
		return this.last;
	}

}
