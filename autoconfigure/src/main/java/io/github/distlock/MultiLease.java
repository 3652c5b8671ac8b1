package io.github.distlock;

import java.util.List;

/**
 * The locks on several keys, held together, from {@link LockTemplate#acquireAll}. Release
 * it exactly once, best with try-with-resources:
 *
 * <pre>{@code
 * try (MultiLease leases = locks.acquireAll(List.of("acct:" + from, "acct:" + to), options)) {
 *     ledger.transfer(from, to, amount, leases.lease("acct:" + from).fencingToken());
 * }
 * }</pre>
 */
public interface MultiLease extends AutoCloseable {

	/**
	 * The leases, one per distinct key, in the global order they were acquired in.
	 */
	List<Lease> leases();

	/**
	 * The lease of {@code key}, for its {@link Lease#fencingToken()}.
	 * @throws IllegalArgumentException when {@code key} is not one of the keys
	 */
	Lease lease(String key);

	/**
	 * Whether every lock is still held, judged locally without I/O.
	 */
	boolean isHeld();

	/**
	 * Releases every lock, in the reverse of the acquisition order. Idempotent.
	 */
	void release();

	/**
	 * Same as {@link #release()}.
	 */
	@Override
	default void close() {
		release();
	}

}
