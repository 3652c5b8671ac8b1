package io.github.distlock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The lock held by the code running now: the lease of the innermost
 * {@link DistributedLock} method, {@link LockTemplate#execute} action or synchronous part
 * of an asynchronous hold on this thread.
 *
 * <pre>{@code
 * &#64;DistributedLock(key = "'invoice:' + #id")
 * public void write(long id, Invoice invoice) {
 *     // the store rejects a token smaller than the largest it has seen
 *     storage.write(invoice, DistributedLocks.assertHeld().fencingToken());
 * }
 * }</pre>
 *
 * <p>
 * A lease taken with {@link LockTemplate#acquire} is not bound here: its holder already
 * has it. Code that a {@code @DistributedLock} method hands to other threads does not see
 * the lease either.
 */
public abstract class DistributedLocks {

	private static final ThreadLocal<Deque<Lease>> current = new ThreadLocal<>();

	/**
	 * For the generic layer, which binds the leases of the code it runs.
	 */
	protected DistributedLocks() {
	}

	/**
	 * The lease of the innermost lock held by the current invocation on this thread, or
	 * empty when the calling code runs under no distlock lock (for example a
	 * {@code @DistributedLock} method called from its own class, which bypasses the
	 * proxy). The lease may have been lost since: check {@link Lease#isHeld()}.
	 */
	public static Optional<Lease> currentLease() {
		Deque<Lease> leases = current.get();
		return (leases != null) ? Optional.ofNullable(leases.peek()) : Optional.empty();
	}

	/**
	 * The lease of {@code key} among the locks held by the current invocation on this
	 * thread, innermost first: in a method with {@code @DistributedLock(keys = ...)},
	 * each key's lease and fencing token.
	 */
	public static Optional<Lease> currentLease(String key) {
		Deque<Lease> leases = current.get();
		return (leases != null) ? leases.stream().filter((lease) -> lease.key().equals(key)).findFirst()
				: Optional.empty();
	}

	/**
	 * The lease of the innermost lock held by the current invocation, which is still
	 * held.
	 * @return the lease, for its {@link Lease#fencingToken()}
	 * @throws IllegalStateException when the calling code runs under no distlock lock, or
	 * its lock was lost or its validity ended
	 */
	public static Lease assertHeld() {
		Lease lease = currentLease()
			.orElseThrow(() -> new IllegalStateException("No distlock lock is held by the calling code. A "
					+ "@DistributedLock method called from its own class (this.method()) bypasses the proxy and "
					+ "runs without its lock: call it through the Spring bean"));
		if (!lease.isHeld()) {
			throw new IllegalStateException(
					"The distlock lock '" + lease.key() + "' of the calling code is no longer held (lost, or its "
							+ "validity ended without a renewal); fencing token " + lease.fencingToken());
		}
		return lease;
	}

	/**
	 * Makes {@code lease} the current one on this thread until the returned binding is
	 * closed; bindings nest and must be closed in reverse order.
	 */
	protected static Binding bind(Lease lease) {
		Deque<Lease> leases = current.get();
		if (leases == null) {
			leases = new ArrayDeque<>(2);
			current.set(leases);
		}
		leases.push(lease);
		return DistributedLocks::unbind;
	}

	private static void unbind() {
		Deque<Lease> leases = current.get();
		if (leases != null) {
			leases.poll();
			if (leases.isEmpty()) {
				// No per-thread state is left behind on pooled threads.
				current.remove();
			}
		}
	}

	/**
	 * Ends a {@link #bind} on the thread that made it.
	 */
	@FunctionalInterface
	protected interface Binding extends AutoCloseable {

		@Override
		void close();

	}

}
