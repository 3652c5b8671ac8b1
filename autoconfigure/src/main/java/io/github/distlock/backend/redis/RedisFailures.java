package io.github.distlock.backend.redis;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.cluster.PartitionSelectorException;
import org.jspecify.annotations.Nullable;

/**
 * Which Lettuce failures pass by themselves: a lost or refused connection, a timeout
 * (Lettuce queues commands while it reconnects), and the error replies that Redis gives
 * while a replica is promoted or the cluster reconfigures. An error reply such as
 * {@code NOAUTH}, {@code WRONGPASS}, {@code NOPERM} or {@code ERR} is not transient.
 */
final class RedisFailures {

	/**
	 * Error reply prefixes of a server that is failing over, loading or reconfiguring.
	 */
	private static final List<String> TRANSIENT_REPLIES = List.of("CLUSTERDOWN", "MOVED", "ASK", "TRYAGAIN", "LOADING",
			"MASTERDOWN", "READONLY", "BUSY", "NOREPLICAS");

	/**
	 * What Lettuce says of a connection that is down while it reconnects, or that dropped
	 * its commands in flight.
	 */
	private static final List<String> TRANSIENT_MESSAGES = List.of("Connection closed", "Connection reset",
			"Currently not connected", "Connection refused", "not known in the cluster view",
			"Cannot determine a partition");

	private RedisFailures() {
	}

	static boolean isTransient(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RedisCommandExecutionException reply) {
				String text = String.valueOf(reply.getMessage());
				return TRANSIENT_REPLIES.stream().anyMatch(text::startsWith);
			}
			if (cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException
					|| cause instanceof RedisConnectionException || cause instanceof PartitionSelectorException
					|| cause instanceof IOException) {
				return true;
			}
			String message = cause.getMessage();
			if (message != null && TRANSIENT_MESSAGES.stream().anyMatch(message::contains)) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
