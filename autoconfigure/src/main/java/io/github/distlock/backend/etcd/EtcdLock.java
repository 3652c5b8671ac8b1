package io.github.distlock.backend.etcd;

import java.time.Duration;
import java.util.List;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.github.distlock.LockBackendException;
import io.github.distlock.spi.SessionLock;

/**
 * A held etcd lock: our key {@code <namespace>/<lock>/<lease id>}, which has the lowest
 * create revision under its lock prefix. That revision is the fencing token. The key
 * lives as long as the shared lease, whose keepalives (sent by the generic session layer)
 * confirm this lock.
 */
final class EtcdLock implements SessionLock {

	/**
	 * A release that etcd does not answer this soon (an election) hands the key to the
	 * leftover cleanup rather than keep the releasing thread for the whole request
	 * timeout.
	 */
	private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(1);

	private final ByteSequence key;

	private final long createRevision;

	private final Duration ttl;

	private final KV kv;

	private final EtcdCalls calls;

	private final LeftoverKeys leftovers;

	EtcdLock(ByteSequence key, long createRevision, Duration ttl, KV kv, EtcdCalls calls, LeftoverKeys leftovers) {
		this.key = key;
		this.createRevision = createRevision;
		this.ttl = ttl;
		this.kv = kv;
		this.calls = calls;
		this.leftovers = leftovers;
	}

	@Override
	public long fencingToken() {
		return this.createRevision;
	}

	/**
	 * Whether our key is still there: a keepalive cannot see the key deleted by an
	 * operator. Bounded by a third of the ttl, so that a frozen server does not hold up
	 * the generic layer's shared renewal threads.
	 */
	@Override
	public boolean stillHeld() throws InterruptedException {
		Duration timeout = this.ttl.dividedBy(3);
		if (timeout.compareTo(this.calls.timeout()) > 0) {
			timeout = this.calls.timeout();
		}
		List<KeyValue> current = this.calls.await(this.kv.get(this.key), "read lock key " + this.key, timeout).getKvs();
		return current.size() == 1 && current.get(0).getCreateRevision() == this.createRevision;
	}

	/**
	 * Deletes our key if it is still the one we created (same create revision); one round
	 * trip.
	 */
	/**
	 * Waiters queue on the server (by create revision, or node sequence) and come first.
	 */
	@Override
	public boolean othersWaitedAtRelease() {
		return false;
	}

	@Override
	public boolean release() {
		Duration timeout = (RELEASE_TIMEOUT.compareTo(this.calls.timeout()) < 0) ? RELEASE_TIMEOUT
				: this.calls.timeout();
		try {
			return this.calls
				.await(this.kv.txn()
					.If(new Cmp(this.key, Cmp.Op.EQUAL, CmpTarget.createRevision(this.createRevision)))
					.Then(Op.delete(this.key, DeleteOption.DEFAULT))
					.commit(), "delete lock key " + this.key, timeout)
				.isSucceeded();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.leftovers.add(this.key);
			throw new LockBackendException(
					"Interrupted while releasing lock key " + this.key + "; it is deleted in the background", ex);
		}
		catch (LockBackendException ex) {
			// The shared lease outlives this lock, so the server would not free the key
			// by itself.
			this.leftovers.add(this.key);
			throw new LockBackendException(ex.getMessage() + "; distlock deletes the key after the next successful "
					+ "keepalive of its lease, which outlives this lock", ex, ex.isTransient());
		}
	}

}
