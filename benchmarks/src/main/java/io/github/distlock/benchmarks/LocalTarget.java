package io.github.distlock.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.backend.local.LocalLockStore;
import io.github.distlock.spi.LockBackend;

/**
 * The local backend, against a bare {@link ReentrantLock} per key: measures the generic
 * layer's own overhead, since there is no network round trip to hide it.
 */
public final class LocalTarget implements BenchmarkTarget {

	private final LocalLockStore store = new LocalLockStore();

	private final ConcurrentHashMap<String, ReentrantLock> floorLocks = new ConcurrentHashMap<>();

	@Override
	public String name() {
		return "local";
	}

	@Override
	public String floorDescription() {
		return "ReentrantLock per key in a map";
	}

	@Override
	public void floorAcquireRelease(String key) {
		ReentrantLock lock = this.floorLocks.computeIfAbsent(key, (k) -> new ReentrantLock());
		lock.lock();
		lock.unlock();
	}

	@Override
	public LockBackend newBackend() {
		return new LocalLockBackend(this.store);
	}

	@Override
	public void close() {
	}

}
