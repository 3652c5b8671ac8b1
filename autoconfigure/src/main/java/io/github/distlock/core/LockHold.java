package io.github.distlock.core;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.distlock.Lease;

/**
 * The {@link Lease} handed to callers: one hold on a managed lock, released at most once.
 */
final class LockHold implements Lease {

	final ManagedLock lock;

	private final AtomicBoolean released = new AtomicBoolean();

	LockHold(ManagedLock lock) {
		this.lock = lock;
	}

	@Override
	public String key() {
		return this.lock.info.key();
	}

	@Override
	public long fencingToken() {
		return this.lock.fencingToken;
	}

	@Override
	public boolean isHeld() {
		return !this.released.get() && this.lock.isHeld();
	}

	@Override
	public void onLost(Runnable callback) {
		this.lock.onLost(Objects.requireNonNull(callback, "callback"));
	}

	@Override
	public void release() {
		if (this.released.compareAndSet(false, true)) {
			this.lock.holdReleased();
		}
	}

	@Override
	public String toString() {
		return "Lease[key=" + key() + ", fencingToken=" + fencingToken() + ", held=" + isHeld() + "]";
	}

}
