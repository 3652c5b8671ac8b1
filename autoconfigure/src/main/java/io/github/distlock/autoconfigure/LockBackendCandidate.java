package io.github.distlock.autoconfigure;

import io.github.distlock.LockBackendException;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.SessionLockBackend;

/**
 * Offered as a bean by each backend's auto-configuration when its client is on the
 * classpath; the central auto-configuration picks one and creates only that backend.
 */
public interface LockBackendCandidate {

	/**
	 * Which backend this is.
	 */
	BackendType type();

	/**
	 * Whether a connection to this backend's server is configured (a client bean, or
	 * connection properties), which makes it eligible when {@code distlock.backend} is
	 * not set.
	 */
	boolean connectionConfigured();

	/**
	 * Creates the backend; called once, for the chosen candidate only.
	 * @throws BackendSelectionException when the backend cannot work with the
	 * configuration present
	 */
	LockBackend create();

	/**
	 * Creates the backend for {@code distlock.verify-on-startup=false}: a server that
	 * cannot be reached does not fail the startup; the backend then fails acquisitions
	 * with a {@link LockBackendException} until the server answers. By default
	 * {@link #create()} is tried now and, if the server is unreachable, again at each use
	 * until it succeeds; that deferred backend is a plain {@link LockBackend}, so a
	 * candidate whose backend is a {@link SessionLockBackend} overrides this method (as
	 * etcd's does) to keep its sessions shared.
	 * @throws BackendSelectionException when the configuration itself is unusable
	 */
	default LockBackend createUnverified() {
		return DeferredLockBackend.of(type(), this::create);
	}

}
