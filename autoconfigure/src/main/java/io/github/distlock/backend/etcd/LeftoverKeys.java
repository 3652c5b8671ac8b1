package io.github.distlock.backend.etcd;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keys of ours whose delete may not have happened (timeouts, failed releases, interrupted
 * waiters). While their lease lives such a key would block its lock for everyone, since a
 * shared lease outlives each lock on it, so it is deleted after the next successful
 * keepalive, or before this JVM next queues for the same lock.
 *
 * <p>
 * Each key maps to {@link #PENDING} or to its delete in flight. Both cleanups run inside
 * the map's per-key compute, and the one before queuing waits for a delete in flight, so
 * a delete never overlaps this JVM's next put of the same key (the generic layer queues
 * one thread per lock).
 */
final class LeftoverKeys {

	private static final Log logger = LogFactory.getLog(LeftoverKeys.class);

	private static final Object PENDING = new Object();

	private final KV kv;

	private final EtcdCalls calls;

	private final ConcurrentHashMap<ByteSequence, Object> keys = new ConcurrentHashMap<>();

	LeftoverKeys(KV kv, EtcdCalls calls) {
		this.kv = kv;
		this.calls = calls;
	}

	/** Remembers a key that a failed or interrupted call may have left behind. */
	void add(ByteSequence key) {
		this.keys.put(key, PENDING);
	}

	/**
	 * Deletes {@code key} if it was left behind, waiting for a delete in flight; for the
	 * thread about to queue with that key.
	 * @return whether no leftover of that name remains
	 */
	boolean clean(ByteSequence key) {
		this.keys.computeIfPresent(key, (k, state) -> (deletedInFlight(state) || delete(k)) ? null : PENDING);
		return !this.keys.containsKey(key);
	}

	/**
	 * Starts deleting every leftover key without waiting for etcd, for the session
	 * layer's scheduler after a keepalive; a delete that finished is forgotten here, one
	 * that failed is sent again.
	 */
	void cleanAll() {
		for (ByteSequence key : this.keys.keySet()) {
			this.keys.computeIfPresent(key, (k, state) -> {
				if (state instanceof CompletableFuture<?> inFlight) {
					if (!inFlight.isDone()) {
						return inFlight;
					}
					if (!inFlight.isCompletedExceptionally()) {
						return null;
					}
					logger.warn("Could not delete leftover lock key " + k + "; retrying after the next keepalive");
				}
				return startDelete(k);
			});
		}
	}

	private CompletableFuture<?> startDelete(ByteSequence key) {
		try {
			return this.kv.delete(key).orTimeout(this.calls.timeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private boolean deletedInFlight(Object state) {
		if (!(state instanceof CompletableFuture<?> inFlight)) {
			return false;
		}
		try {
			this.calls.await(inFlight, "delete a leftover lock key");
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (RuntimeException ex) {
			return false;
		}
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
