package io.github.distlock.backend.zookeeper;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.github.distlock.LockBackendException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;

/**
 * A new lock node with the key's children read right behind its create, so that an
 * uncontended acquisition costs one round trip rather than two: the read is sent without
 * waiting for the create, and ZooKeeper answers a session's requests in order (a read
 * waits for the session's earlier writes), so the list it returns already holds the new
 * node.
 *
 * <p>
 * Both are Curator background operations, which keep protected mode and the creation of
 * missing parents. Their order on the wire rests on Curator sending a background
 * operation's first attempt from the calling thread when connected
 * ({@code CuratorFrameworkImpl.processBackgroundOperation} and
 * {@code performBackgroundOperation}, 5.9.0). Any later attempt (after Curator created
 * the missing key node, after a lost connection, in protected-mode recovery) runs on
 * Curator's own thread and may land after the read; the read then lacks our node, and
 * {@link #awaitPosition} returns {@code null} so that the caller reads again.
 */
final class PipelinedCreate {

	private final CompletableFuture<CuratorEvent> created = new CompletableFuture<>();

	private final CompletableFuture<@Nullable List<String>> listed = new CompletableFuture<>();

	private final String keyPath;

	private final Consumer<String> deleteOrphan;

	private PipelinedCreate(String keyPath, Consumer<String> deleteOrphan) {
		this.keyPath = keyPath;
		this.deleteOrphan = deleteOrphan;
	}

	/**
	 * Sends the create of an ephemeral sequential lock node under {@code keyPath}, then
	 * the read of its children.
	 * @param deleteOrphan deletes, without blocking, a node whose create answered after
	 * {@link #awaitPath} gave up on it (called on ZooKeeper's event thread)
	 */
	static PipelinedCreate send(CuratorFramework client, String keyPath, Consumer<String> deleteOrphan)
			throws Exception {
		PipelinedCreate pipelined = new PipelinedCreate(keyPath, deleteOrphan);
		client.create()
			.creatingParentContainersIfNeeded()
			.withProtection()
			.withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
			.inBackground((curator, event) -> pipelined.created.complete(event))
			.forPath(ZKPaths.makePath(keyPath, QueuePosition.NODE_NAME));
		try {
			client.getChildren()
				.inBackground((curator, event) -> pipelined.listed.complete(
						(event.getResultCode() == KeeperException.Code.OK.intValue()) ? event.getChildren() : null))
				.forPath(keyPath);
		}
		catch (Exception ex) {
			// The create is out already; the caller reads the children itself.
			pipelined.listed.complete(null);
		}
		return pipelined;
	}

	/**
	 * Waits for the create's answer.
	 * @param deadline a {@link System#nanoTime()} to give up at, with a transient
	 * {@link LockBackendException}
	 * @return the path of the new node
	 * @throws KeeperException the create's error, once Curator's retries are spent
	 */
	String awaitPath(long deadline) throws Exception {
		CuratorEvent event;
		try {
			event = this.created.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			deleteOnArrival();
			throw ex;
		}
		catch (TimeoutException ex) {
			deleteOnArrival();
			throw new LockBackendException(
					"ZooKeeper did not answer the create of a lock node under " + this.keyPath + " in time", ex, true);
		}
		catch (ExecutionException ex) {
			// never: the future is only completed normally
			throw new IllegalStateException(ex.getCause());
		}
		KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
		if (code != KeeperException.Code.OK) {
			throw KeeperException.create(code, this.keyPath);
		}
		return event.getName();
	}

	/**
	 * The creation zxid of the new node, or 0 when Curator found the node again after a
	 * lost answer (it then reports no stat). Only after {@link #awaitPath} returned.
	 */
	long czxid() {
		CuratorEvent event = this.created.getNow(null);
		return (event != null && event.getStat() != null) ? event.getStat().getCzxid() : 0;
	}

	/**
	 * Waits for the read behind the create.
	 * @param ownPath the path {@link #awaitPath} returned
	 * @param deadline a {@link System#nanoTime()} to give up at, with a transient
	 * {@link LockBackendException}
	 * @return our place in the queue, or {@code null} when the read failed or was served
	 * before our node existed
	 */
	@Nullable QueuePosition awaitPosition(String ownPath, long deadline) throws InterruptedException {
		List<String> children;
		try {
			children = this.listed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new LockBackendException(
					"ZooKeeper did not answer the read of the children of " + this.keyPath + " in time", ex, true);
		}
		catch (ExecutionException ex) {
			// never: the future is only completed normally
			throw new IllegalStateException(ex.getCause());
		}
		if (children == null) {
			return null;
		}
		QueuePosition position = QueuePosition.of(children, ZKPaths.getNodeFromPath(ownPath));
		return position.present() ? position : null;
	}

	/**
	 * Nobody takes the node once we stop waiting for it, and ephemeral would keep it (and
	 * block the key) for the whole session. Runs at once if the answer raced in already.
	 */
	private void deleteOnArrival() {
		this.created.thenAccept((event) -> {
			if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
				this.deleteOrphan.accept(event.getName());
			}
		});
	}

}
