package io.github.distlock.benchmarks.peers;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;

import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.benchmarks.harness.TryLock;

/**
 * Peers whose locks are {@link Lock}s obtained by name (Spring Integration's lock
 * registries): {@code obtain(key).tryLock(wait)}, then {@code unlock()}, as their
 * documentation shows.
 */
final class JucLocks {

	private JucLocks() {
	}

	static LockClient client(String library, Function<String, Lock> obtain, AutoCloseable close) {
		long waitSeconds = TryLock.WAIT_LIMIT.toSeconds();
		return LockClient.of((key) -> {
			Lock lock = obtain.apply(key);
			if (!lock.tryLock(waitSeconds, TimeUnit.SECONDS)) {
				throw new IllegalStateException(library + " did not acquire " + key + " in " + waitSeconds + " s");
			}
			return lock::unlock;
		}, close);
	}

}
