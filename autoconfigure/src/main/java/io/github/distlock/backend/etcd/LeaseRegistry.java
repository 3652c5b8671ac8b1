package io.github.distlock.backend.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.github.distlock.LockBackendException;
import org.jspecify.annotations.Nullable;

/**
 * The backend's leases, one per ttl: granted on first use, shared by every lock and waiter with that
 * ttl, and revoked once nobody has used them for {@link #idleTime}.
 */
final class LeaseRegistry {

	/**
	 * The smallest lease granted: etcd's own floor is 1.5 election timeouts (1.5s with default
	 * settings), and it would raise a 1s lease to that silently.
	 */
	static final long MIN_LEASE_SECONDS = 2;

	private final Client client;

	private final EtcdCalls calls;

	private final ScheduledExecutorService scheduler;

	private final Duration idleTime;

	private final Map<Duration, SharedLease> leases = new HashMap<>();

	private boolean closed;

	LeaseRegistry(Client client, EtcdCalls calls, ScheduledExecutorService scheduler, Duration idleTime) {
		this.client = client;
		this.calls = calls;
		this.scheduler = scheduler;
		this.idleTime = idleTime;
	}

	/**
	 * The lease's ttl in whole seconds, as etcd counts: the requested ttl rounded up, at least
	 * {@value #MIN_LEASE_SECONDS}. Never shorter than asked, so a lock's local validity (measured with
	 * the requested ttl) always ends before the server can expire its key.
	 */
	static long leaseSeconds(Duration ttl) {
		long seconds = ttl.getSeconds() + ((ttl.getNano() > 0) ? 1 : 0);
		return Math.max(MIN_LEASE_SECONDS, seconds);
	}

	/**
	 * The live lease for {@code ttl}, granted if there is none; counts one more user until
	 * {@link #leave}. The grant is sent outside the registry's monitor, so a slow server never blocks
	 * the keepalive thread, which takes the monitor when a lease ends.
	 */
	SharedLease join(Duration ttl) throws InterruptedException {
		SharedLease lease = joinExisting(ttl);
		if (lease != null) {
			return lease;
		}
		SharedLease granted = grant(ttl);
		SharedLease winner;
		try {
			synchronized (this) {
				winner = joinExisting(ttl);
				if (winner == null) {
					this.leases.put(ttl, granted);
					granted.users++;
					granted.start();
					return granted;
				}
			}
		}
		catch (LockBackendException closed) {
			granted.retire("the etcd lock backend was closed", true);
			throw closed;
		}
		// Another thread granted one for this ttl meanwhile; ours was never used.
		granted.retire("etcd lease " + granted.hex() + " was granted twice", true);
		return winner;
	}

	private synchronized @Nullable SharedLease joinExisting(Duration ttl) {
		if (this.closed) {
			throw new LockBackendException("The etcd lock backend is closed");
		}
		SharedLease lease = this.leases.get(ttl);
		if (lease == null || lease.isRetired()) {
			return null;
		}
		lease.users++;
		if (lease.idleRevocation != null) {
			lease.idleRevocation.cancel(false);
			lease.idleRevocation = null;
		}
		return lease;
	}

	private SharedLease grant(Duration ttl) throws InterruptedException {
		long seconds = leaseSeconds(ttl);
		long sentAt = System.nanoTime();
		LeaseGrantResponse granted = this.calls.await(this.client.getLeaseClient().grant(seconds),
				"grant a lease of " + seconds + "s");
		return new SharedLease(granted.getID(), ttl, sentAt, this.client, this.calls, this.scheduler, this::forget);
	}

	/** Counts one user less; the last one out schedules the revocation. */
	synchronized void leave(SharedLease lease) {
		if (--lease.users > 0 || lease.isRetired() || this.closed) {
			return;
		}
		try {
			lease.idleRevocation = this.scheduler.schedule(() -> revokeIfIdle(lease), this.idleTime.toNanos(),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closing: close() revokes every lease.
		}
	}

	private void revokeIfIdle(SharedLease lease) {
		synchronized (this) {
			if (lease.users > 0 || this.leases.get(lease.ttl()) != lease) {
				return;
			}
			// Removed before revoking, so that join() grants a new lease rather than reusing this one.
			this.leases.remove(lease.ttl());
		}
		lease.retire("etcd lease " + lease.hex() + " was idle", true);
	}

	private synchronized void forget(SharedLease lease) {
		this.leases.remove(lease.ttl(), lease);
	}

	/**
	 * Revokes every lease, so this JVM's keys disappear at once rather than at expiry; locks still on
	 * them are reported lost.
	 */
	void close() {
		List<SharedLease> all;
		synchronized (this) {
			this.closed = true;
			all = new ArrayList<>(this.leases.values());
		}
		List<CompletableFuture<?>> revocations = new ArrayList<>();
		for (SharedLease lease : all) {
			revocations.add(lease.retire("the etcd lock backend was closed", true));
		}
		CompletableFuture.allOf(revocations.toArray(CompletableFuture[]::new)).join();
	}

}
