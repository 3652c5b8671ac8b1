package io.github.distlock.benchmarks;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.backend.local.LocalLockStore;
import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.spi.LockBackend;

/**
 * The local backend, against a bare {@link ReentrantLock} per key shared by every
 * instance (they are in one JVM): measures the generic layer's own overhead, since there
 * is no network round trip to hide it.
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
	public String floorWait() {
		return "blocks in ReentrantLock.lock";
	}

	@Override
	public LockClient newFloorClient() {
		return LockClient.of((key) -> {
			ReentrantLock lock = this.floorLocks.computeIfAbsent(key, (k) -> new ReentrantLock());
			lock.lock();
			return lock::unlock;
		}, () -> {
		});
	}

	@Override
	public LockBackend newBackend() {
		return new LocalLockBackend(this.store);
	}

	@Override
	public List<Long> serverPids() {
		return List.of();
	}

	@Override
	public void close() {
	}

}
