package io.github.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.MultiLease;
import org.jspecify.annotations.Nullable;

/**
 * Several keys locked together. They are acquired in one global order, that of their
 * encoded form, which every instance computes alike: two callers that want the same keys
 * then never each hold one the other waits for, whatever order they name them in. The
 * wait time bounds the whole acquisition; a partial one is rolled back.
 */
final class KeySet {

	private final List<Object> keys;

	private KeySet(List<Object> keys) {
		this.keys = keys;
	}

	/**
	 * The distinct keys in the global order.
	 * @throws IllegalArgumentException when there are none
	 */
	static KeySet of(Collection<?> keys) {
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("At least one lock key is needed");
		}
		TreeMap<String, Object> ordered = new TreeMap<>();
		for (Object key : keys) {
			ordered.putIfAbsent(LockKeys.encode(key), key);
		}
		return new KeySet(List.copyOf(ordered.values()));
	}

	/**
	 * Acquires every key in order, each waiting at most what is left of {@code waitTime};
	 * releases those already acquired when one stays busy or fails.
	 * @return the leases, or empty when a key stayed busy for the whole wait time
	 */
	Optional<MultiLease> acquire(LockOptions options, Duration waitTime, Acquirer acquirer) {
		long deadline = System.nanoTime() + waitTime.toNanos();
		List<Lease> acquired = new ArrayList<>(this.keys.size());
		try {
			for (Object key : this.keys) {
				Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
				Optional<Lease> lease = acquirer.tryAcquire(key, options.withWaitTime(remaining));
				if (lease.isEmpty()) {
					releaseAll(acquired);
					return Optional.empty();
				}
				acquired.add(lease.get());
			}
		}
		catch (RuntimeException | Error ex) {
			releaseAll(acquired);
			throw ex;
		}
		return Optional.of(new Leases(acquired));
	}

	/**
	 * Runs {@code action} under every lease, each with the lost-lock policy (outermost
	 * first), and releases them in reverse order; the last key's lease is the current
	 * one.
	 */
	static <T> @Nullable T call(List<Lease> leases, LostLockPolicy policy, LockedAction<T> action) throws Throwable {
		return call(leases, 0, policy, action);
	}

	private static <T> @Nullable T call(List<Lease> leases, int index, LostLockPolicy policy, LockedAction<T> action)
			throws Throwable {
		LockHold hold = (LockHold) leases.get(index);
		if (index == leases.size() - 1) {
			return LockedCall.run(hold, policy, action);
		}
		return LockedCall.run(hold, policy, () -> call(leases, index + 1, policy, action));
	}

	static void releaseAll(List<Lease> leases) {
		for (int i = leases.size() - 1; i >= 0; i--) {
			leases.get(i).release();
		}
	}

	/**
	 * Acquires one key.
	 */
	@FunctionalInterface
	interface Acquirer {

		Optional<Lease> tryAcquire(Object key, LockOptions options);

	}

	private record Leases(List<Lease> leases) implements MultiLease {

		Leases {
			leases = List.copyOf(leases);
		}

		@Override
		public Lease lease(String key) {
			return this.leases.stream()
				.filter((lease) -> lease.key().equals(key))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("'" + key + "' is not one of the locked keys "
						+ this.leases.stream().map(Lease::key).toList()));
		}

		@Override
		public boolean isHeld() {
			return this.leases.stream().allMatch(Lease::isHeld);
		}

		@Override
		public void release() {
			releaseAll(this.leases);
		}

	}

}
