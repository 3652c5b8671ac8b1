package io.github.distlock.backend.etcd;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseRevokeResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One etcd lease that every lock of the backend with the same ttl is attached to (what Go's
 * {@code concurrency.Session} is), kept alive by a {@code keepAliveOnce} loop of its own.
 *
 * <p>Why not jetcd's {@code keepAlive} observer: its stream re-sends a request every 500 ms until an
 * answer arrives, and answers carry no request identity, so an answer cannot be matched with the
 * instant its request left; a lock's validity must be measured from that instant (taken
 * <em>before</em> sending). {@code keepAliveOnce} is one request and one answer: the
 * {@link System#nanoTime()} read just before it is an honest lower bound of the server's renewal, and
 * it is handed to every lock on the lease as its confirmation.
 */
final class SharedLease {

	private static final Log logger = LogFactory.getLog(SharedLease.class);

	/** Retry delay after a failed keepalive, while the lease may still be alive on the server. */
	private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	private final long id;

	private final Duration ttl;

	private final long intervalNanos;

	private final Client client;

	private final EtcdCalls calls;

	private final ScheduledExecutorService scheduler;

	private final Consumer<SharedLease> onRetired;

	private final Set<EtcdLock> locks = ConcurrentHashMap.newKeySet();

	/** Keys of ours whose delete may not have happened (timeouts, failed releases); see orphan(). */
	private final ConcurrentHashMap<ByteSequence, Boolean> orphans = new ConcurrentHashMap<>();

	private final AtomicReference<@Nullable String> retiredReason = new AtomicReference<>();

	private volatile long confirmedAtNanos;

	/** Locks and waiters on this lease; guarded by the {@link LeaseRegistry}. */
	int users;

	/** The pending revocation of this lease once unused; guarded by the {@link LeaseRegistry}. */
	@Nullable ScheduledFuture<?> idleRevocation;

	SharedLease(long id, Duration ttl, long grantSentAtNanos, Client client, EtcdCalls calls,
			ScheduledExecutorService scheduler, Consumer<SharedLease> onRetired) {
		this.id = id;
		this.ttl = ttl;
		this.intervalNanos = Math.max(1, ttl.toNanos() / 3);
		this.confirmedAtNanos = grantSentAtNanos;
		this.client = client;
		this.calls = calls;
		this.scheduler = scheduler;
		this.onRetired = onRetired;
	}

	/** Starts the keepalives. */
	void start() {
		scheduleKeepAlive(this.intervalNanos);
	}

	long id() {
		return this.id;
	}

	/** The lease id as it appears in key names. */
	String hex() {
		return Long.toHexString(this.id);
	}

	Duration ttl() {
		return this.ttl;
	}

	/** When the request that last renewed the lease on the server was sent. */
	long confirmedAtNanos() {
		return this.confirmedAtNanos;
	}

	boolean isRetired() {
		return this.retiredReason.get() != null;
	}

	/** Adds a lock to those told of keepalives and of the lease's end. */
	void attach(EtcdLock lock) {
		this.locks.add(lock);
		String reason = this.retiredReason.get();
		if (reason != null) {
			lock.lost(reason);
		}
	}

	void detach(EtcdLock lock) {
		this.locks.remove(lock);
	}

	/**
	 * Remembers a key of ours that a failed or interrupted call may have left behind. While the lease
	 * lives such a key would block its lock for everyone, so it is deleted after the next successful
	 * keepalive, or before this JVM next queues for the same lock.
	 */
	void orphan(ByteSequence key) {
		this.orphans.put(key, Boolean.TRUE);
	}

	/**
	 * Deletes {@code key} if it was orphaned. Runs inside the map's per-key compute, so a cleanup never
	 * overlaps this JVM's next put of the same key (the generic layer queues one thread per lock).
	 * @return whether no orphan of that name is left
	 */
	boolean cleanOrphan(ByteSequence key) {
		this.orphans.computeIfPresent(key, (k, present) -> delete(k) ? null : present);
		return !this.orphans.containsKey(key);
	}

	private boolean delete(ByteSequence key) {
		try {
			this.calls.await(this.client.getKVClient().delete(key), "delete leftover key " + key);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete leftover lock key " + key + "; retrying after the next keepalive: " + ex);
			return false;
		}
	}

	/**
	 * Ends the lease for this backend: every lock on it is reported lost, keepalives stop, and with
	 * {@code revoke} the server is asked to drop it (and so our keys) now rather than at expiry.
	 * @return the revocation, completed at once when there is none to do
	 */
	CompletableFuture<?> retire(String reason, boolean revoke) {
		if (!this.retiredReason.compareAndSet(null, reason)) {
			return CompletableFuture.completedFuture(null);
		}
		this.onRetired.accept(this);
		for (EtcdLock lock : this.locks) {
			try {
				lock.lost(reason);
			}
			catch (RuntimeException ex) {
				logger.warn("A loss listener of a lock on etcd lease " + hex() + " failed", ex);
			}
		}
		if (!revoke) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<LeaseRevokeResponse> revocation = this.client.getLeaseClient().revoke(this.id);
		return revocation.orTimeout(this.calls.timeout().toNanos(), TimeUnit.NANOSECONDS).exceptionally((ex) -> {
			logger.debug("Revoking etcd lease " + hex() + " failed; it expires on the server by itself", ex);
			return null;
		});
	}

	private void keepAlive() {
		if (isRetired()) {
			return;
		}
		long sentAt = System.nanoTime();
		CompletableFuture<?> call;
		try {
			call = this.client.getLeaseClient().keepAliveOnce(this.id);
		}
		catch (RuntimeException ex) {
			call = CompletableFuture.failedFuture(ex);
		}
		call.orTimeout(this.intervalNanos, TimeUnit.NANOSECONDS)
			.whenCompleteAsync((response, failure) -> keptAlive(sentAt, failure), this.scheduler);
	}

	private void keptAlive(long sentAt, @Nullable Throwable failure) {
		if (isRetired()) {
			return;
		}
		if (failure == null) {
			this.confirmedAtNanos = sentAt;
			this.locks.forEach((lock) -> lock.keptAlive(sentAt));
			this.orphans.keySet().forEach(this::cleanOrphan);
			scheduleKeepAlive(this.intervalNanos);
		}
		else if (EtcdCalls.isLeaseNotFound(failure)) {
			retire("etcd lease " + hex() + " expired or was revoked on the server", false);
		}
		else if (System.nanoTime() - this.confirmedAtNanos - this.ttl.toNanos() >= 0) {
			// Past the ttl since the last renewal was sent: the locks are lost whatever the server says later.
			retire("no keepalive of etcd lease " + hex() + " succeeded within the ttl of " + this.ttl.toMillis()
					+ "ms (last error: " + failure + ")", true);
		}
		else {
			logger.debug("Keepalive of etcd lease " + hex() + " failed; retrying", failure);
			scheduleKeepAlive(Math.min(this.intervalNanos, RETRY_NANOS));
		}
	}

	private void scheduleKeepAlive(long delayNanos) {
		try {
			this.scheduler.schedule(this::keepAlive, delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The backend is closing; it retires every lease itself.
		}
	}

}
