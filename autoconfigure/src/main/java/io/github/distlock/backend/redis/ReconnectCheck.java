package io.github.distlock.backend.redis;

import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;

/**
 * Re-checks every held lock as soon as a connection of the client is established again: a
 * Redis that restarted without persistence (or a replica promoted before it had the
 * entry) has forgotten the locks, and waiting for each lock's next renewal would leave
 * its holder believing it holds the lock for up to a third of its ttl while another
 * instance can already take it.
 */
final class ReconnectCheck implements RedisConnectionStateListener {

	private final Set<RedisLock> held = ConcurrentHashMap.newKeySet();

	void track(RedisLock lock) {
		this.held.add(lock);
	}

	void untrack(RedisLock lock) {
		this.held.remove(lock);
	}

	/**
	 * Runs on Lettuce's event loop: the checks are sent asynchronously, never awaited
	 * here.
	 */
	@Override
	public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
		for (RedisLock lock : this.held) {
			lock.recheck();
		}
	}

}
