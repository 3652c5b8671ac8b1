package io.github.distlock.backend.etcd;

import java.util.concurrent.ConcurrentHashMap;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keys of ours whose delete may not have happened (timeouts, failed releases, interrupted waiters).
 * While their lease lives such a key would block its lock for everyone, since a shared lease outlives
 * each lock on it, so it is deleted after the next successful keepalive, or before this JVM next queues
 * for the same lock.
 */
final class LeftoverKeys {

	private static final Log logger = LogFactory.getLog(LeftoverKeys.class);

	private final KV kv;

	private final EtcdCalls calls;

	private final ConcurrentHashMap<ByteSequence, Boolean> keys = new ConcurrentHashMap<>();

	LeftoverKeys(KV kv, EtcdCalls calls) {
		this.kv = kv;
		this.calls = calls;
	}

	/** Remembers a key that a failed or interrupted call may have left behind. */
	void add(ByteSequence key) {
		this.keys.put(key, Boolean.TRUE);
	}

	/**
	 * Deletes {@code key} if it was left behind. Runs inside the map's per-key compute, so a cleanup never
	 * overlaps this JVM's next put of the same key (the generic layer queues one thread per lock).
	 * @return whether no leftover of that name remains
	 */
	boolean clean(ByteSequence key) {
		this.keys.computeIfPresent(key, (k, present) -> delete(k) ? null : present);
		return !this.keys.containsKey(key);
	}

	/** Deletes every leftover key; rare, and each delete is bounded by the request timeout. */
	void cleanAll() {
		this.keys.keySet().forEach(this::clean);
	}

	private boolean delete(ByteSequence key) {
		try {
			this.calls.await(this.kv.delete(key), "delete leftover key " + key);
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

}
