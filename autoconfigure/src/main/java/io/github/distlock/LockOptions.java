package io.github.distlock;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Immutable options of one lock acquisition. Anything left unset falls back to the
 * {@code distlock.*} defaults.
 *
 * <pre>{@code
 * LockOptions.ttl(Duration.ofSeconds(10)).withWaitTime(Duration.ofSeconds(2)).withName("invoice")
 * }</pre>
 */
public final class LockOptions {

	private static final LockOptions DEFAULTS = new LockOptions(null, null, true, null, null, null);

	private final @Nullable Duration ttl;

	private final @Nullable Duration waitTime;

	private final boolean autoRenew;

	private final @Nullable String name;

	private final @Nullable LostLockPolicy lostPolicy;

	private final @Nullable Duration holdAtLeast;

	private LockOptions(@Nullable Duration ttl, @Nullable Duration waitTime, boolean autoRenew, @Nullable String name,
			@Nullable LostLockPolicy lostPolicy, @Nullable Duration holdAtLeast) {
		if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
			throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
		}
		if (waitTime != null && waitTime.isNegative()) {
			throw new IllegalArgumentException("waitTime must not be negative, but was " + waitTime);
		}
		if (holdAtLeast != null && holdAtLeast.isNegative()) {
			throw new IllegalArgumentException("holdAtLeast must not be negative, but was " + holdAtLeast);
		}
		this.ttl = ttl;
		this.waitTime = waitTime;
		this.autoRenew = autoRenew;
		this.name = name;
		this.lostPolicy = lostPolicy;
		this.holdAtLeast = holdAtLeast;
	}

	/**
	 * Options that use every configured default.
	 */
	public static LockOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Options with the given ttl and every other value defaulted.
	 */
	public static LockOptions ttl(Duration ttl) {
		return DEFAULTS.withTtl(ttl);
	}

	/**
	 * A copy with the given ttl: how long the lock survives this instance's crash.
	 */
	public LockOptions withTtl(Duration ttl) {
		return new LockOptions(Objects.requireNonNull(ttl, "ttl"), this.waitTime, this.autoRenew, this.name,
				this.lostPolicy, this.holdAtLeast);
	}

	/**
	 * A copy with the given wait time; {@link Duration#ZERO} tries once.
	 */
	public LockOptions withWaitTime(Duration waitTime) {
		return new LockOptions(this.ttl, Objects.requireNonNull(waitTime, "waitTime"), this.autoRenew, this.name,
				this.lostPolicy, this.holdAtLeast);
	}

	/**
	 * A copy that renews the lease while held ({@code true}, the default) or treats the
	 * ttl as a hard cap ({@code false}).
	 */
	public LockOptions withAutoRenew(boolean autoRenew) {
		return new LockOptions(this.ttl, this.waitTime, autoRenew, this.name, this.lostPolicy, this.holdAtLeast);
	}

	/**
	 * A copy with the given name, used as the {@code lock} metric tag; keep it
	 * low-cardinality.
	 */
	public LockOptions withName(String name) {
		return new LockOptions(this.ttl, this.waitTime, this.autoRenew, Objects.requireNonNull(name, "name"),
				this.lostPolicy, this.holdAtLeast);
	}

	/**
	 * A copy with the given lost-lock policy, applied by {@link LockTemplate#execute}.
	 */
	public LockOptions withLostPolicy(LostLockPolicy lostPolicy) {
		return new LockOptions(this.ttl, this.waitTime, this.autoRenew, this.name,
				Objects.requireNonNull(lostPolicy, "lostPolicy"), this.holdAtLeast);
	}

	/**
	 * A copy that keeps the lock at least {@code holdAtLeast} after it was acquired, even
	 * when the work under it ends earlier: a scheduled job that every instance runs then
	 * runs once per period across them. Without renewal ({@code autoRenew = false}) it
	 * must not exceed the ttl.
	 */
	public LockOptions withHoldAtLeast(Duration holdAtLeast) {
		return new LockOptions(this.ttl, this.waitTime, this.autoRenew, this.name, this.lostPolicy,
				Objects.requireNonNull(holdAtLeast, "holdAtLeast"));
	}

	/**
	 * The ttl, or {@code null} for the configured default.
	 */
	public @Nullable Duration ttl() {
		return this.ttl;
	}

	/**
	 * The wait time, or {@code null} for the configured default.
	 */
	public @Nullable Duration waitTime() {
		return this.waitTime;
	}

	/**
	 * Whether the lease is renewed while held.
	 */
	public boolean autoRenew() {
		return this.autoRenew;
	}

	/**
	 * The metric name, or {@code null} when unnamed.
	 */
	public @Nullable String name() {
		return this.name;
	}

	/**
	 * The lost-lock policy, or {@code null} for the configured default.
	 */
	public @Nullable LostLockPolicy lostPolicy() {
		return this.lostPolicy;
	}

	/**
	 * How long the lock is held at least after it was acquired, or {@code null} when it
	 * is released as soon as its work ends.
	 */
	public @Nullable Duration holdAtLeast() {
		return this.holdAtLeast;
	}

	@Override
	public String toString() {
		return "LockOptions[ttl=" + this.ttl + ", waitTime=" + this.waitTime + ", autoRenew=" + this.autoRenew
				+ ", name=" + this.name + ", lostPolicy=" + this.lostPolicy + ", holdAtLeast=" + this.holdAtLeast + "]";
	}

}
