package io.github.distlock.backend.zookeeper;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.distlock.LockBackendException;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.common.PathUtils;
import org.apache.zookeeper.data.Stat;

/**
 * Locks in ZooKeeper through Apache Curator: the queue algorithm of Curator's lock
 * recipes, without their thread binding (why not the recipes themselves: see the package
 * documentation).
 *
 * <p>
 * Each key is a container node {@code <basePath>/<key>}. To acquire, the backend creates
 * an ephemeral sequential node under it (in Curator's protected mode, so a create whose
 * answer was lost is found again), lists the key's children (sent right behind the
 * create, without waiting for it, so both take one round trip), and holds the lock when
 * its node is the lowest; otherwise it watches the node just ahead of it and looks again
 * when that changes. Any thread may release; the fencing token is the node's creation
 * zxid.
 *
 * <p>
 * The session holds the lock, not a ttl: {@link BackendLock#renew()} only confirms, with
 * one asynchronous {@code exists}, that the node is still there, and connection states
 * are mapped to lost locks by the {@link LossOn} policy.
 */
public final class ZooKeeperLockBackend implements LockBackend, ConnectionCheck {

	private static final Log logger = LogFactory.getLog(ZooKeeperLockBackend.class);

	private static final String PROBE_NAME = "_distlock-probe-";

	private final CuratorFramework client;

	private final String basePath;

	private final LossOn lossOn;

	private final boolean closeClient;

	private final HeldLocks held;

	/**
	 * Creates the backend over a started client.
	 * @param client the Curator client; its ACL provider decides the ACLs of the lock
	 * nodes
	 * @param basePath the parent path of all lock nodes, not the root
	 * @param lossOn which connection state loses the held locks
	 * @param closeClient whether {@link #close()} closes the client (only when the
	 * backend built it)
	 */
	public ZooKeeperLockBackend(CuratorFramework client, String basePath, LossOn lossOn, boolean closeClient) {
		this.client = Objects.requireNonNull(client, "client");
		this.basePath = validateBasePath(basePath);
		this.lossOn = Objects.requireNonNull(lossOn, "lossOn");
		this.closeClient = closeClient;
		this.held = new HeldLocks(lossOn);
		client.getConnectionStateListenable().addListener(this.held);
	}

	/**
	 * Checks that {@code basePath} can be the parent of lock nodes: a valid ZooKeeper
	 * path other than the root (whose {@code /zookeeper} child is reserved and could be a
	 * key).
	 * @return the path
	 * @throws IllegalArgumentException naming the problem
	 */
	public static String validateBasePath(String basePath) {
		Objects.requireNonNull(basePath, "basePath");
		PathUtils.validatePath(basePath);
		if (basePath.equals("/")) {
			throw new IllegalArgumentException("the base path must not be the root '/'");
		}
		return basePath;
	}

	@Override
	public String name() {
		return "zookeeper";
	}

	/** The Curator client this backend uses. */
	public CuratorFramework client() {
		return this.client;
	}

	/**
	 * Waits for the connection and proves that this client may create and delete nodes
	 * under the base path, so that a wrong address or wrong credentials fail at startup
	 * rather than at the first lock.
	 * @throws LockBackendException when not connected within {@code timeout}, or when the
	 * server refuses (the cause is then ZooKeeper's {@link KeeperException}, e.g.
	 * {@code NoAuth})
	 */
	public void verifyAccess(Duration timeout) throws InterruptedException {
		int millis = (int) Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE));
		if (!this.client.blockUntilConnected(millis, TimeUnit.MILLISECONDS)) {
			throw new LockBackendException(
					"Could not connect to ZooKeeper at " + connectString() + " within " + timeout);
		}
		try {
			// '_' never occurs in an encoded key, so the probe cannot meet a lock node.
			String probe = this.client.create()
				.creatingParentContainersIfNeeded()
				.withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
				.forPath(ZKPaths.makePath(this.basePath, PROBE_NAME));
			this.client.delete().forPath(probe);
		}
		catch (InterruptedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new LockBackendException("ZooKeeper at " + connectString()
					+ " refused to create and delete a node under " + this.basePath + ": " + ex.getMessage(), ex);
		}
		logger.info("distlock uses ZooKeeper at " + connectString() + " under " + this.basePath + "; session timeout "
				+ this.client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs()
				+ "ms (locks of a crashed instance are freed after it), loss-on "
				+ this.lossOn.name().toLowerCase(Locale.ROOT));
	}

	/**
	 * One {@code exists} round trip on the base path, and none while disconnected: a
	 * health check must not wait out Curator's retries.
	 */
	@Override
	public void checkConnection() {
		if (!this.client.getZookeeperClient().isConnected()) {
			throw new LockBackendException("Not connected to ZooKeeper at " + connectString());
		}
		try {
			this.client.checkExists().forPath(this.basePath);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new LockBackendException("ZooKeeper at " + connectString() + " did not answer: " + ex, ex);
		}
	}

	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		long deadline = System.nanoTime() + request.waitTime().toNanos();
		String keyPath = ZKPaths.makePath(this.basePath, request.key());
		String ownPath = null;
		long czxid = 0;
		boolean acquired = false;
		boolean timedOut = false;
		try {
			while (true) {
				awaitConnected();
				// Read before the create: its pipelined read may be the one that confirms
				// the lock.
				long lossCount = this.held.lossCount();
				long sentAt = System.nanoTime();
				QueuePosition position = null;
				if (ownPath == null) {
					PipelinedCreate create = PipelinedCreate.send(this.client, keyPath, this::deleteInBackground);
					long answerBy = sentAt + answerTimeoutNanos();
					ownPath = create.awaitPath(answerBy);
					czxid = (create.czxid() != 0) ? create.czxid() : czxidOf(ownPath);
					position = create.awaitPosition(ownPath, answerBy);
				}
				if (position == null) {
					position = position(keyPath, ownPath);
				}
				if (!position.present()) {
					// Our session expired while we queued, and the node went with it:
					// queue again.
					ownPath = null;
					if (System.nanoTime() - deadline >= 0) {
						throw new LockBackendException("ZooKeeper session expired waiting for " + keyPath, true);
					}
					continue;
				}
				if (position.isFirst()) {
					ZooKeeperLock lock = new ZooKeeperLock(this, ownPath, czxid, sentAt);
					if (this.held.register(lock, lossCount)) {
						acquired = true;
						return Optional.of(lock);
					}
					// A loss event raced with the check and may not have seen the lock:
					// check again.
					continue;
				}
				if (deadline - System.nanoTime() <= 0
						|| !awaitChange(ZKPaths.makePath(keyPath, position.predecessor()), deadline)) {
					timedOut = true;
					return Optional.empty();
				}
			}
		}
		catch (InterruptedException | LockBackendException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new LockBackendException("ZooKeeper failed while acquiring " + keyPath + ": " + ex.getMessage(), ex,
					ZooKeeperFailures.isTransient(ex));
		}
		finally {
			if (!acquired && ownPath != null) {
				abandon(ownPath, timedOut);
			}
		}
	}

	private QueuePosition position(String keyPath, String ownPath) throws Exception {
		try {
			return QueuePosition.of(this.client.getChildren().forPath(keyPath), ZKPaths.getNodeFromPath(ownPath));
		}
		catch (KeeperException.NoNodeException ex) {
			return new QueuePosition(false, null);
		}
	}

	/**
	 * Watches {@code predecessor} and waits until it changes (normally: is deleted) or
	 * the deadline.
	 * @return {@code false} when the deadline passed first
	 */
	private boolean awaitChange(String predecessor, long deadline) throws Exception {
		CountDownLatch changed = new CountDownLatch(1);
		try {
			// getData rather than exists: exists would leave a watch behind on a node
			// that is already gone.
			// Connection events also reach the watcher, so a disconnection wakes us too.
			this.client.getData().usingWatcher((Watcher) (event) -> changed.countDown()).forPath(predecessor);
		}
		catch (KeeperException.NoNodeException ex) {
			return true;
		}
		return changed.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Waits, like every Curator operation, up to the client's connection timeout for a
	 * connection that is down (a reconnect after a server restart or session expiry takes
	 * a moment), then fails: an outage is an error, never "busy".
	 */
	private void awaitConnected() throws InterruptedException {
		if (this.client.getZookeeperClient().isConnected()) {
			return;
		}
		int timeoutMillis = Math.max(1, this.client.getZookeeperClient().getConnectionTimeoutMs());
		if (!this.client.blockUntilConnected(timeoutMillis, TimeUnit.MILLISECONDS)) {
			throw new LockBackendException("Not connected to ZooKeeper at " + connectString() + " within the "
					+ "connection timeout of " + timeoutMillis + "ms", true);
		}
	}

	/**
	 * How long an asynchronous request may go unanswered: Curator retries it meanwhile,
	 * waiting up to the connection timeout for a lost connection, and the session ends
	 * (failing it) within the session timeout.
	 */
	private long answerTimeoutNanos() {
		var zookeeper = this.client.getZookeeperClient();
		return TimeUnit.MILLISECONDS.toNanos(Math.max(1, zookeeper.getConnectionTimeoutMs())
				+ (long) Math.max(0, zookeeper.getLastNegotiatedSessionTimeoutMs()));
	}

	private long czxidOf(String path) throws Exception {
		// Only after Curator found our protected node again following a lost answer: it
		// then fills no stat.
		Stat stat = this.client.checkExists().forPath(path);
		return (stat != null) ? stat.getCzxid() : 0;
	}

	/**
	 * Deletes a node that will not become a lock: in the caller's thread after a timeout,
	 * so the key is clean when tryAcquire returns; in the background after an error or
	 * interrupt.
	 */
	private void abandon(String path, boolean synchronously) {
		if (!synchronously || Thread.currentThread().isInterrupted()) {
			deleteInBackground(path);
			return;
		}
		try {
			this.client.delete().guaranteed().forPath(path);
		}
		catch (KeeperException.NoNodeException ex) {
			// gone with its session already
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn(
					"Could not delete the abandoned lock node " + path + "; Curator retries in the background: " + ex);
		}
	}

	private void deleteInBackground(String path) {
		try {
			this.client.delete().guaranteed().inBackground().forPath(path);
		}
		catch (Exception ex) {
			logger.warn("Could not delete lock node " + path + "; the server deletes it when the session ends: " + ex);
		}
	}

	boolean renew(ZooKeeperLock lock) {
		if (lock.isLost() || !this.held.contains(lock)) {
			return false;
		}
		if (!this.client.getZookeeperClient().isConnected()) {
			throw new LockBackendException("Not connected to ZooKeeper at " + connectString() + "; lock node "
					+ lock.path() + " is confirmed again once the connection is back");
		}
		long sentAt = System.nanoTime();
		try {
			// Asynchronous: a renewal must not hold a shared scheduler thread through a
			// slow round trip.
			this.client.checkExists()
				.inBackground((client, event) -> confirmed(lock, sentAt, event))
				.forPath(lock.path());
		}
		catch (Exception ex) {
			throw new LockBackendException("Could not ask ZooKeeper about lock node " + lock.path() + ": " + ex, ex);
		}
		return true;
	}

	private void confirmed(ZooKeeperLock lock, long sentAt, CuratorEvent event) {
		if (event.getResultCode() == KeeperException.Code.OK.intValue() && event.getStat() != null) {
			lock.confirm(sentAt);
		}
		else if (event.getResultCode() == KeeperException.Code.NONODE.intValue() && this.held.contains(lock)) {
			lock.lost("the lock node " + lock.path() + " no longer exists on the server (its session expired or "
					+ "it was deleted)");
		}
	}

	boolean release(ZooKeeperLock lock) {
		this.held.remove(lock);
		if (lock.isLost() && !this.client.getZookeeperClient().isConnected()) {
			// Its holder was told already; finishing its code must not wait for the
			// connection.
			deleteInBackground(lock.path());
			return false;
		}
		try {
			awaitConnected();
			this.client.delete().guaranteed().forPath(lock.path());
			return true;
		}
		catch (KeeperException.NoNodeException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			deleteInBackground(lock.path());
			throw new LockBackendException(
					"Interrupted while deleting lock node " + lock.path() + "; it is deleted in the background", ex);
		}
		catch (LockBackendException ex) {
			deleteInBackground(lock.path());
			throw new LockBackendException(ex.getMessage() + ": lock node " + lock.path() + " is deleted once the "
					+ "connection is back, or by the server when the session ends", ex);
		}
		catch (Exception ex) {
			// guaranteed(): Curator keeps retrying the delete in the background after a
			// connection failure.
			throw new LockBackendException("ZooKeeper failed to delete lock node " + lock.path() + ": " + ex, ex);
		}
	}

	private String connectString() {
		return this.client.getZookeeperClient().getCurrentConnectionString();
	}

	/**
	 * Gives up the locks still held (they are reported lost) and closes the client if
	 * this backend built it, which ends the session so that the server deletes its nodes
	 * at once.
	 */
	@Override
	public void close() {
		this.client.getConnectionStateListenable().removeListener(this.held);
		var remaining = this.held.removeAll();
		remaining.forEach((lock) -> lock.lost("the ZooKeeper lock backend was closed"));
		if (this.closeClient) {
			this.client.close();
		}
		else {
			remaining.forEach((lock) -> deleteInBackground(lock.path()));
		}
	}

	@Override
	public String toString() {
		return "ZooKeeperLockBackend[" + this.basePath + ", loss-on " + this.lossOn + "]";
	}

}
