package io.github.distlock.core;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The last losses of this JVM, newest first, for operators: the metric counts losses,
 * this says which locks and why.
 */
final class RecentLosses implements LockListener {

	/** How many losses are kept. */
	static final int CAPACITY = 20;

	private final ArrayDeque<LostLock> losses = new ArrayDeque<>(CAPACITY);

	@Override
	public synchronized void lost(LockInfo lock, long fencingToken, String reason) {
		if (this.losses.size() == CAPACITY) {
			this.losses.removeLast();
		}
		this.losses.addFirst(new LostLock(Instant.now(), lock.key(), lock.name(), fencingToken, reason));
	}

	synchronized List<LostLock> list() {
		return Collections.unmodifiableList(new ArrayList<>(this.losses));
	}

}
