package io.github.distlock.core;

import io.github.distlock.DistributedLocks;
import io.github.distlock.Lease;

/**
 * Binds the lease of the code that the generic layer runs, for
 * {@link DistributedLocks#currentLease()}.
 */
final class CurrentLease extends DistributedLocks {

	private CurrentLease() {
	}

	/**
	 * Binds {@code lease} until the returned scope is closed.
	 */
	static Scope of(Lease lease) {
		Binding binding = bind(lease);
		return binding::close;
	}

	/**
	 * The time {@link #of} binds a lease for.
	 */
	@FunctionalInterface
	interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
