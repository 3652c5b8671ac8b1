package io.github.distlock.backend.etcd;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.github.distlock.LockBackendException;
import io.github.distlock.spi.AbstractBackendLease;

/**
 * A held etcd lock: our key {@code <namespace>/<lock>/<lease id>}, which has the lowest create
 * revision under its lock prefix. That revision is the fencing token. The key lives as long as the
 * shared lease, whose keepalives confirm this lock.
 */
final class EtcdLock extends AbstractBackendLease {

	private final ByteSequence key;

	private final SharedLease lease;

	private final LeaseRegistry registry;

	private final KV kv;

	private final EtcdCalls calls;

	private final AtomicBoolean detached = new AtomicBoolean();

	EtcdLock(ByteSequence key, long createRevision, SharedLease lease, LeaseRegistry registry, KV kv,
			EtcdCalls calls) {
		super(createRevision, lease.confirmedAtNanos());
		this.key = key;
		this.lease = lease;
		this.registry = registry;
		this.kv = kv;
		this.calls = calls;
	}

	/**
	 * Whether our key is still there: the lease is kept alive in the background, so this only catches
	 * what a keepalive cannot see, such as the key deleted by an operator. Bounded by a third of the ttl,
	 * so that a frozen server does not hold up the generic layer's shared renewal threads.
	 */
	@Override
	public boolean renew() throws InterruptedException {
		if (isLostReported()) {
			return false;
		}
		Duration timeout = this.lease.ttl().dividedBy(3);
		if (timeout.compareTo(this.calls.timeout()) > 0) {
			timeout = this.calls.timeout();
		}
		List<KeyValue> current = this.calls.await(this.kv.get(this.key), "read lock key " + this.key, timeout)
			.getKvs();
		return current.size() == 1 && current.get(0).getCreateRevision() == fencingToken();
	}

	/**
	 * Deletes our key if it is still the one we created (same create revision); one round trip.
	 */
	@Override
	public boolean release() {
		if (this.detached.compareAndSet(false, true)) {
			this.lease.detach(this);
			this.registry.leave(this.lease);
		}
		try {
			return this.calls.await(this.kv.txn()
				.If(new Cmp(this.key, Cmp.Op.EQUAL, CmpTarget.createRevision(fencingToken())))
				.Then(Op.delete(this.key, DeleteOption.DEFAULT))
				.commit(), "delete lock key " + this.key).isSucceeded();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.lease.orphan(this.key);
			throw new LockBackendException("Interrupted while releasing lock key " + this.key
					+ "; it is deleted in the background", ex);
		}
		catch (LockBackendException ex) {
			// The shared lease outlives this lock, so the server would not free the key by itself.
			this.lease.orphan(this.key);
			throw ex;
		}
	}

	void keptAlive(long sentAtNanos) {
		confirmed(sentAtNanos);
	}

	void lost(String reason) {
		reportLost(reason);
	}

}
