package io.github.distlock.backend.zookeeper;

import java.util.concurrent.TimeUnit;

import io.github.distlock.spi.AbstractBackendLock;

/**
 * A lock held as one ephemeral sequential node; the node's path is unique forever (it
 * carries a random protection id), so deleting that path is a compare-and-delete.
 */
final class ZooKeeperLock extends AbstractBackendLock {

	private final ZooKeeperLockBackend backend;

	private final String path;

	private final long sessionTimeoutNanos;

	ZooKeeperLock(ZooKeeperLockBackend backend, String path, long czxid, long confirmedAtNanos) {
		super(czxid, confirmedAtNanos);
		this.backend = backend;
		this.path = path;
		int negotiated = backend.client().getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
		this.sessionTimeoutNanos = (negotiated > 0) ? TimeUnit.MILLISECONDS.toNanos(negotiated) : Long.MAX_VALUE;
	}

	/**
	 * The session timeout the server negotiated when the lock was taken: it expires the
	 * session, and so frees the lock, that long after it last heard from us, whatever the
	 * ttl.
	 */
	@Override
	public long maxValidityNanos() {
		return this.sessionTimeoutNanos;
	}

	String path() {
		return this.path;
	}

	@Override
	public boolean renew() {
		return this.backend.renew(this);
	}

	/**
	 * Waiters queue on the server (by create revision, or node sequence) and come first.
	 */
	@Override
	public boolean othersWaitedAtRelease() {
		return false;
	}

	@Override
	public boolean release() {
		return this.backend.release(this);
	}

	void confirm(long sentAtNanos) {
		confirmed(sentAtNanos);
	}

	void lost(String reason) {
		reportLost(reason);
	}

	boolean isLost() {
		return isLostReported();
	}

	@Override
	public String toString() {
		return "ZooKeeperLock[" + this.path + ", fencingToken=" + fencingToken() + "]";
	}

}
