package io.github.distlock.backend.consul;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * One Consul session of this backend and the leases it holds; all locks with the same ttl share it.
 */
final class ConsulSession {

	private final String id;

	private final Duration ttl;

	private final Set<ConsulLease> leases = ConcurrentHashMap.newKeySet();

	private final AtomicReference<@Nullable String> invalidReason = new AtomicReference<>();

	private volatile @Nullable ScheduledFuture<?> renewal;

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

	void renewal(ScheduledFuture<?> renewal) {
		this.renewal = renewal;
	}

	void add(ConsulLease lease) {
		this.leases.add(lease);
	}

	void remove(ConsulLease lease) {
		this.leases.remove(lease);
	}

	List<ConsulLease> leases() {
		return List.copyOf(this.leases);
	}

	/**
	 * Consul confirmed the session alive by a request sent at {@code sentAtNanos}, so every lock it holds.
	 */
	void confirmed(long sentAtNanos) {
		this.leases.forEach((lease) -> lease.sessionConfirmed(sentAtNanos));
	}

}
