package io.github.distlock.backend.zookeeper;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;

/**
 * The locks of one backend that are not released yet, and the Curator connection listener
 * that reports them lost when the {@link LossOn} policy says the connection state loses
 * them.
 */
final class HeldLocks implements ConnectionStateListener {

	private final Set<ZooKeeperLock> locks = ConcurrentHashMap.newKeySet();

	/** Counts loss events, so an acquisition can tell whether one raced with it. */
	private final AtomicLong losses = new AtomicLong();

	private final LossOn lossOn;

	HeldLocks(LossOn lossOn) {
		this.lossOn = lossOn;
	}

	/**
	 * The number of loss events so far; read before the request that confirms a new lock.
	 */
	long lossCount() {
		return this.losses.get();
	}

	/**
	 * Registers a new lock unless a loss event happened since {@code lossCountBefore} was
	 * read: such an event may not have seen the lock, and the caller must confirm the
	 * lock again.
	 */
	boolean register(ZooKeeperLock lock, long lossCountBefore) {
		this.locks.add(lock);
		// The listener counts before it reads the set, and we add before we read the
		// count, so either
		// it sees the lock or we see its count.
		if (this.losses.get() == lossCountBefore) {
			return true;
		}
		this.locks.remove(lock);
		return false;
	}

	boolean contains(ZooKeeperLock lock) {
		return this.locks.contains(lock);
	}

	void remove(ZooKeeperLock lock) {
		this.locks.remove(lock);
	}

	List<ZooKeeperLock> removeAll() {
		List<ZooKeeperLock> all = List.copyOf(this.locks);
		this.locks.removeAll(all);
		return all;
	}

	@Override
	public void stateChanged(CuratorFramework client, ConnectionState newState) {
		if (!this.lossOn.isLoss(newState)) {
			return;
		}
		this.losses.incrementAndGet();
		String reason = (newState == ConnectionState.LOST)
				? "the ZooKeeper session was lost (expired, or unreachable for a whole session timeout); its lock "
						+ "nodes are deleted by the server"
				: "the connection to ZooKeeper was suspended and distlock.zookeeper.loss-on is 'suspended': the "
						+ "session may expire and the lock pass to another client";
		this.locks.forEach((lock) -> lock.lost(reason));
	}

}
