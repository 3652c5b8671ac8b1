package io.github.distlock.backend.consul;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * One Consul session of this backend and the leases it holds; all locks with the same ttl
 * share it.
 */
final class ConsulSession {

	private final String id;

	private final Duration ttl;

	private final Set<ConsulLock> leases = ConcurrentHashMap.newKeySet();

	private final AtomicReference<@Nullable String> invalidReason = new AtomicReference<>();

	private volatile @Nullable ScheduledFuture<?> renewal;

	/** Acquisitions in progress and leases held on this session; guarded by this. */
	private int users;

	/** When {@link #users} last dropped to zero; guarded by this. */
	private long idleSinceNanos = System.nanoTime();

	ConsulSession(String id, Duration ttl) {
		this.id = id;
		this.ttl = ttl;
	}

	String id() {
		return this.id;
	}

	Duration ttl() {
		return this.ttl;
	}

	boolean isValid() {
		return this.invalidReason.get() == null;
	}

	@Nullable String invalidReason() {
		return this.invalidReason.get();
	}

	/**
	 * Marks the session invalid.
	 * @return whether this call did it (later calls change nothing)
	 */
	boolean invalidate(String reason) {
		boolean first = this.invalidReason.compareAndSet(null, reason);
		ScheduledFuture<?> pending = this.renewal;
		if (first && pending != null) {
			pending.cancel(false);
		}
		return first;
	}

	/**
	 * Counts one more acquisition or lease on this session, unless it is already invalid.
	 */
	synchronized boolean use() {
		if (!isValid()) {
			return false;
		}
		this.users++;
		return true;
	}

	/**
	 * Counts one acquisition or lease less.
	 */
	synchronized void unuse() {
		if (--this.users == 0) {
			this.idleSinceNanos = System.nanoTime();
		}
	}

	/**
	 * Invalidates the session if nothing has used it for {@code idleNanos}; a concurrent
	 * {@link #use()} either comes first and keeps it, or finds it invalid and asks for a
	 * new one.
	 * @return whether the session was retired
	 */
	synchronized boolean retireIfIdle(long idleNanos) {
		return this.users == 0 && System.nanoTime() - this.idleSinceNanos >= idleNanos
				&& invalidate("it was idle and has been destroyed");
	}

	void renewal(ScheduledFuture<?> renewal) {
		this.renewal = renewal;
	}

	void add(ConsulLock lease) {
		this.leases.add(lease);
	}

	void remove(ConsulLock lease) {
		this.leases.remove(lease);
	}

	List<ConsulLock> leases() {
		return List.copyOf(this.leases);
	}

	/**
	 * Consul confirmed the session alive by a request sent at {@code sentAtNanos}, so
	 * every lock it holds.
	 */
	void confirmed(long sentAtNanos) {
		this.leases.forEach((lease) -> lease.sessionConfirmed(sentAtNanos));
	}

}
