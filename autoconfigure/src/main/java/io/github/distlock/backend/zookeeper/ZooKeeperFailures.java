package io.github.distlock.backend.zookeeper;

import java.util.EnumSet;
import java.util.Set;

import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;

/**
 * Which ZooKeeper failures pass by themselves: a lost connection, a timed-out operation
 * and an expired or moved session (a new session is opened and the node queued again), as
 * during an ensemble's election. {@code NoAuth}, {@code AuthFailed} and invalid requests
 * are not transient.
 */
final class ZooKeeperFailures {

	private static final Set<KeeperException.Code> TRANSIENT = EnumSet.of(KeeperException.Code.CONNECTIONLOSS,
			KeeperException.Code.OPERATIONTIMEOUT, KeeperException.Code.SESSIONEXPIRED,
			KeeperException.Code.SESSIONMOVED, KeeperException.Code.NOTREADONLY);

	private ZooKeeperFailures() {
	}

	static boolean isTransient(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof KeeperException keeper) {
				return TRANSIENT.contains(keeper.code());
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
