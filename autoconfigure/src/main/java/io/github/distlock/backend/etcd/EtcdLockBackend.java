package io.github.distlock.backend.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.github.distlock.LockBackendException;
import io.github.distlock.core.SharedSessions;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockRequest;
import io.github.distlock.spi.ServerSession;
import io.github.distlock.spi.SessionLock;
import io.github.distlock.spi.SessionLockBackend;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Locks in etcd v3 through jetcd, with the revision-ordered queue of etcd's own mutex.
 *
 * <ul>
 * <li>Keys: {@code <namespace>/<encoded lock key>/<lease id in hex>}; the lock prefix
 * ends with {@code /}, so locks whose names are prefixes of each other never meet.</li>
 * <li>Leases: the sessions of {@link SessionLockBackend}, one per ttl, shared by all
 * locks and waiters with that ttl and kept alive by the generic session layer with
 * {@code keepAliveOnce}; a lease's ttl is the requested ttl rounded up to whole seconds,
 * at least 2s. When it expires or its keepalives fail for a whole ttl, every lock on it
 * is reported lost. A lease unused for {@link #DEFAULT_LEASE_IDLE_TIME} is revoked, and
 * so is every lease on {@link #close()}.</li>
 * <li>Acquire: one transaction puts our key and reads the holder; a waiter then watches
 * only the key just ahead of it. Release: one compare-and-delete on our key's create
 * revision, the fencing token.</li>
 * </ul>
 *
 * <p>
 * Why {@code keepAliveOnce} rather than jetcd's {@code keepAlive} observer: its stream
 * re-sends a request every 500 ms until an answer arrives, and answers carry no request
 * identity, so an answer cannot be matched with the instant its request left, from which
 * a lock's validity is measured.
 */
public final class EtcdLockBackend implements SessionLockBackend, ConnectionCheck {

	/** How long a lease nobody uses is kept before it is revoked. */
	public static final Duration DEFAULT_LEASE_IDLE_TIME = Duration.ofSeconds(10);

	/**
	 * The smallest lease granted: etcd's own floor is 1.5 election timeouts (1.5s with
	 * default settings), and it would raise a 1s lease to that silently.
	 */
	static final long MIN_LEASE_SECONDS = 2;

	/**
	 * Queuing again after our key vanished on a live lease is tried this many times in
	 * all.
	 */
	private static final int ATTEMPTS = 3;

	private static final Log logger = LogFactory.getLog(EtcdLockBackend.class);

	private final Client client;

	private final boolean closeClient;

	private final String namespace;

	private final EtcdCalls calls;

	private final Duration leaseIdleTime;

	private final LeftoverKeys leftovers;

	private final LockQueue queue;

	/**
	 * Leases granted and not yet revoked or found gone, revoked on close whoever shares
	 * them.
	 */
	private final Set<Long> granted = ConcurrentHashMap.newKeySet();

	/**
	 * The sessions of raw {@link #tryAcquire(LockRequest)} calls; a lock template brings
	 * its own.
	 */
	private final SharedSessions standalone = SharedSessions.standalone(this);

	/**
	 * Creates the backend.
	 * @param client the etcd client
	 * @param closeClient whether {@link #close()} closes the client (when the backend
	 * created it)
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
		this.leaseIdleTime = Objects.requireNonNull(leaseIdleTime, "leaseIdleTime");
		this.leftovers = new LeftoverKeys(client.getKVClient(), this.calls);
		this.queue = new LockQueue(client.getKVClient(), client.getWatchClient(), this.calls, this.leftovers);
	}

	@Override
	public String name() {
		return "etcd";
	}

	/**
	 * The key prefix under which {@code encodedKey}'s contenders put their keys, ending
	 * with {@code /}.
	 */
	String lockPrefix(String encodedKey) {
		return this.namespace + "/" + encodedKey + "/";
	}

	/**
	 * The lease's ttl in whole seconds, as etcd counts: the requested ttl rounded up, at
	 * least {@value #MIN_LEASE_SECONDS}. Never shorter than asked, so a lock's local
	 * validity (measured with the requested ttl) always ends before the server can expire
	 * its key.
	 */
	static long leaseSeconds(Duration ttl) {
		long seconds = ttl.getSeconds() + ((ttl.getNano() > 0) ? 1 : 0);
		return Math.max(MIN_LEASE_SECONDS, seconds);
	}

	/**
	 * Acquires with leases of this backend's own, for use without a lock template.
	 */
	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		return this.standalone.tryAcquire(request);
	}

	@Override
	public Optional<SessionLock> tryAcquire(LockRequest request, ServerSession session) throws InterruptedException {
		long deadline = System.nanoTime() + request.waitTime().toNanos();
		ByteSequence prefix = EtcdCalls.bytes(lockPrefix(request.key()));
		ByteSequence own = prefix.concat(EtcdCalls.bytes(session.id()));
		long leaseId = Long.parseUnsignedLong(session.id(), 16);
		for (int attempt = 1;; attempt++) {
			long revision = this.queue.acquire(prefix, own, leaseId, session, deadline);
			if (revision == LockQueue.BUSY) {
				return Optional.empty();
			}
			if (revision != LockQueue.GONE) {
				return Optional.of(new EtcdLock(own, revision, session.ttl(), this.client.getKVClient(), this.calls,
						this.leftovers));
			}
			if (session.isEnded()) {
				// The lease is gone: the session layer queues again on a new one.
				return Optional.empty();
			}
			if (attempt == ATTEMPTS) {
				throw new LockBackendException("etcd dropped our key for lock '" + request.key() + "' " + ATTEMPTS
						+ " times while queuing (lease expired or key deleted)");
			}
		}
	}

	@Override
	public String openSession(Duration ttl) throws InterruptedException {
		long seconds = leaseSeconds(ttl);
		LeaseGrantResponse lease = this.calls.await(this.client.getLeaseClient().grant(seconds),
				"grant a lease of " + seconds + "s");
		this.granted.add(lease.getID());
		return Long.toHexString(lease.getID());
	}

	@Override
	public CompletionStage<Boolean> keepAliveOnce(String sessionId) {
		long id = Long.parseUnsignedLong(sessionId, 16);
		// Bounded here too, so that jetcd's own future never stays pending while etcd is
		// unreachable.
		return this.client.getLeaseClient()
			.keepAliveOnce(id)
			.orTimeout(this.calls.timeout().toNanos(), TimeUnit.NANOSECONDS)
			.handle((response, failure) -> {
				if (failure == null) {
					return true;
				}
				if (EtcdCalls.isLeaseNotFound(failure)) {
					this.granted.remove(id);
					return false;
				}
				throw (failure instanceof CompletionException completion) ? completion
						: new CompletionException(failure);
			});
	}

	@Override
	public CompletionStage<?> closeSession(String sessionId) {
		return revoke(Long.parseUnsignedLong(sessionId, 16));
	}

	private CompletableFuture<?> revoke(long id) {
		this.granted.remove(id);
		return this.client.getLeaseClient()
			.revoke(id)
			.orTimeout(this.calls.timeout().toNanos(), TimeUnit.NANOSECONDS)
			.handle((response, failure) -> {
				if (failure != null) {
					logger.debug("Revoking etcd lease " + Long.toHexString(id) + " failed; it expires on the server "
							+ "by itself", failure);
				}
				return null;
			});
	}

	@Override
	public String describeSession(String sessionId) {
		return "etcd lease " + sessionId;
	}

	@Override
	public Duration sessionIdleTime() {
		return this.leaseIdleTime;
	}

	/**
	 * Starts deleting keys a failed release or an interrupted waiter left behind, now
	 * that their lease lives on; never waits for etcd on the scheduler.
	 */
	@Override
	public void keptAlive(ServerSession session) {
		this.leftovers.cleanAll();
	}

	/**
	 * Makes one linearizable read under the namespace: used at startup, so that
	 * unreachable endpoints or rejected credentials show then rather than at the first
	 * lock, and by the health indicator.
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
	 * Revokes this backend's leases (locks still held through raw
	 * {@link #tryAcquire(LockRequest)} calls are reported lost; every lock key is freed
	 * on the server at once), and closes the client if the backend created it. A lock
	 * manager over this backend closes its own sessions first.
	 */
	@Override
	public void close() {
		try {
			this.standalone.close();
			List<CompletableFuture<?>> revocations = new ArrayList<>();
			for (Long id : List.copyOf(this.granted)) {
				revocations.add(revoke(id));
			}
			CompletableFuture.allOf(revocations.toArray(CompletableFuture[]::new)).join();
		}
		finally {
			if (this.closeClient) {
				this.client.close();
			}
		}
	}

}
