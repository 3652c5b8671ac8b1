package io.github.distlock.backend.local;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.distlock.spi.AbstractBackendLock;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.ExpiringBackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;

/**
 * Locks held in this JVM's memory, with the same semantics as a real server: a ttl that
 * expires unless renewed, fencing tokens, waiting without polling, release by a
 * non-holder refused.
 */
public final class LocalLockBackend implements LockBackend, ConnectionCheck {

	private final LocalLockStore store;

	private final Map<Object, LocalLock> leases = new ConcurrentHashMap<>();

	/**
	 * Creates a backend with a store of its own.
	 */
	public LocalLockBackend() {
		this(new LocalLockStore());
	}

	/**
	 * Creates a backend on a store that other backends may share, as clients share a
	 * server.
	 */
	public LocalLockBackend(LocalLockStore store) {
		this.store = store;
	}

	@Override
	public String name() {
		return "local";
	}

	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		Object owner = new Object();
		long sentAt = System.nanoTime();
		long ttlNanos = request.ttl().toNanos();
		long token = this.store.acquire(request.key(), owner, ttlNanos, request.waitTime().toNanos());
		if (token < 0) {
			return Optional.empty();
		}
		LocalLock lease = new LocalLock(request.key(), owner, ttlNanos, token, sentAt);
		this.leases.put(owner, lease);
		return Optional.of(lease);
	}

	@Override
	public void checkConnection() {
		// In memory: always reachable.
	}

	/**
	 * Frees {@code encodedKey} whoever holds it; a holder on this backend is told its
	 * lock is lost.
	 * @return whether the key was held
	 */
	public boolean forceRelease(String encodedKey) {
		Object owner = this.store.forceRelease(encodedKey);
		LocalLock lease = (owner != null) ? this.leases.remove(owner) : null;
		if (lease != null) {
			lease.lostByForce();
		}
		return owner != null;
	}

	/**
	 * Whether {@code encodedKey} is held by anyone on this backend's store.
	 */
	public boolean isHeld(String encodedKey) {
		return this.store.isHeld(encodedKey);
	}

	private final class LocalLock extends AbstractBackendLock implements ExpiringBackendLock {

		private final String key;

		private final Object owner;

		private final long ttlNanos;

		LocalLock(String key, Object owner, long ttlNanos, long fencingToken, long sentAt) {
			super(fencingToken, sentAt);
			this.key = key;
			this.owner = owner;
			this.ttlNanos = ttlNanos;
		}

		@Override
		public boolean renew() {
			long sentAt = System.nanoTime();
			if (LocalLockBackend.this.store.renew(this.key, this.owner, this.ttlNanos)) {
				confirmed(sentAt);
				return true;
			}
			return false;
		}

		@Override
		public boolean expireAfter(Duration remaining) {
			// Nobody releases it any more: the store's expiry ends it.
			LocalLockBackend.this.leases.remove(this.owner);
			return LocalLockBackend.this.store.renew(this.key, this.owner, Math.max(1, remaining.toNanos()));
		}

		@Override
		public boolean release() {
			LocalLockBackend.this.leases.remove(this.owner);
			return LocalLockBackend.this.store.release(this.key, this.owner);
		}

		void lostByForce() {
			reportLost("the lock was deleted on the server");
		}

	}

}
