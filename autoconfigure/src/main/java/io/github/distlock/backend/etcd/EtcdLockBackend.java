package io.github.distlock.backend.etcd;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.distlock.LockBackendException;
import io.github.distlock.spi.BackendLease;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;

/**
 * Locks in etcd v3 through jetcd, with the revision-ordered queue of etcd's own mutex.
 *
 * <ul>
 * <li>Keys: {@code <namespace>/<encoded lock key>/<lease id in hex>}; the lock prefix ends with
 * {@code /}, so locks whose names are prefixes of each other never meet.</li>
 * <li>Leases: one per ttl, shared by all locks and waiters with that ttl and kept alive by this
 * backend; its ttl is the requested ttl rounded up to whole seconds, at least 2s. When it expires or
 * its keepalives fail for a whole ttl, every lock on it is reported lost. A lease unused for
 * {@link #DEFAULT_LEASE_IDLE_TIME} is revoked, and so is every lease on {@link #close()}.</li>
 * <li>Acquire: one transaction puts our key and reads the holder; a waiter then watches only the key
 * just ahead of it. Release: one compare-and-delete on our key's create revision, the fencing token.</li>
 * </ul>
 */
public final class EtcdLockBackend implements LockBackend, ConnectionCheck {

	/** How long a lease nobody uses is kept before it is revoked. */
	public static final Duration DEFAULT_LEASE_IDLE_TIME = Duration.ofSeconds(10);

	/** Queuing again after our key or lease vanished is tried this many times in all. */
	private static final int ATTEMPTS = 3;

	private final Client client;

	private final boolean closeClient;

	private final String namespace;

	private final EtcdCalls calls;

	private final ScheduledThreadPoolExecutor scheduler;

	private final LeaseRegistry leases;

	private final LockQueue queue;

	/**
	 * Creates the backend.
	 * @param client the etcd client
	 * @param closeClient whether {@link #close()} closes the client (when the backend created it)
	 * @param namespace the key prefix for locks, without a trailing {@code /}
	 * @param requestTimeout how long one request to etcd may take before it fails
	 */
	public EtcdLockBackend(Client client, boolean closeClient, String namespace, Duration requestTimeout) {
		this(client, closeClient, namespace, requestTimeout, DEFAULT_LEASE_IDLE_TIME);
	}

	/**
	 * Creates the backend with the time after which an unused lease is revoked.
	 */
	public EtcdLockBackend(Client client, boolean closeClient, String namespace, Duration requestTimeout,
			Duration leaseIdleTime) {
		this.client = Objects.requireNonNull(client, "client");
		this.closeClient = closeClient;
		this.namespace = Objects.requireNonNull(namespace, "namespace");
		this.calls = new EtcdCalls(requestTimeout);
		this.scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "distlock-etcd-keepalive");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.leases = new LeaseRegistry(client, this.calls, this.scheduler, leaseIdleTime);
		this.queue = new LockQueue(client.getKVClient(), client.getWatchClient(), this.calls);
	}

	@Override
	public String name() {
		return "etcd";
	}

	/**
	 * The key prefix under which {@code encodedKey}'s contenders put their keys, ending with {@code /}.
	 */
	String lockPrefix(String encodedKey) {
		return this.namespace + "/" + encodedKey + "/";
	}

	@Override
	public Optional<BackendLease> tryAcquire(LockRequest request) throws InterruptedException {
		long deadline = System.nanoTime() + request.waitTime().toNanos();
		ByteSequence prefix = EtcdCalls.bytes(lockPrefix(request.key()));
		for (int attempt = 1;; attempt++) {
			SharedLease lease = this.leases.join(request.ttl());
			boolean held = false;
			try {
				ByteSequence own = prefix.concat(EtcdCalls.bytes(lease.hex()));
				long revision = this.queue.acquire(prefix, own, lease, deadline);
				if (revision == LockQueue.BUSY) {
					return Optional.empty();
				}
				if (revision != LockQueue.GONE) {
					EtcdLock lock = new EtcdLock(own, revision, lease, this.leases, this.client.getKVClient(), this.calls);
					lease.attach(lock);
					held = true;
					return Optional.of(lock);
				}
				if (attempt == ATTEMPTS) {
					throw new LockBackendException("etcd dropped our key for lock '" + request.key() + "' "
							+ ATTEMPTS + " times while queuing (lease expired or key deleted)");
				}
			}
			finally {
				if (!held) {
					this.leases.leave(lease);
				}
			}
		}
	}

	/**
	 * Makes one linearizable read under the namespace: used at startup, so that unreachable endpoints
	 * or rejected credentials show then rather than at the first lock, and by the health indicator.
	 * @throws LockBackendException when etcd failed to answer
	 */
	@Override
	public void checkConnection() {
		try {
			this.calls.await(this.client.getKVClient().get(EtcdCalls.bytes(this.namespace + "/")),
					"read under namespace '" + this.namespace + "'");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LockBackendException("Interrupted while checking the etcd connection", ex);
		}
	}

	/**
	 * Revokes this backend's leases (locks still held are reported lost and freed on the server at
	 * once), stops the keepalives, and closes the client if the backend created it.
	 */
	@Override
	public void close() {
		try {
			this.leases.close();
		}
		finally {
			this.scheduler.shutdownNow();
			if (this.closeClient) {
				this.client.close();
			}
		}
	}

}
