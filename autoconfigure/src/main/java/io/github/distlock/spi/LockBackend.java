package io.github.distlock.spi;

import java.util.Optional;

/**
 * A lock server integration: acquires locks on keys, speaking the server's own protocol.
 *
 * <p>
 * The generic layer guarantees that, per key, at most one thread of this JVM calls
 * {@link #tryAcquire(LockRequest)} at a time and that no thread of this JVM holds a lock
 * on that key meanwhile, so a backend whose server-side identity is per process (a Consul
 * session, an etcd lease) never meets itself.
 */
public interface LockBackend extends AutoCloseable {

	/**
	 * The backend's short name ({@code redis}, {@code etcd}, ...), used as the
	 * {@code backend} metric tag.
	 */
	String name();

	/**
	 * Acquires the lock described by {@code request}, waiting up to its wait time for the
	 * holder to release it. Waiting uses the server's notification mechanism, not a sleep
	 * loop.
	 * @return the lock, or empty when the lock stayed busy for the whole wait time
	 * @throws io.github.distlock.LockBackendException when the server failed or could not
	 * be reached: never answer "busy" for an outage
	 * @throws InterruptedException when the waiting thread was interrupted
	 */
	Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException;

	/**
	 * Releases the backend's resources (connections, sessions, shared leases). Locks
	 * still held are given up.
	 */
	@Override
	default void close() {
	}

}
