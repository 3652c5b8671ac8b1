package io.github.distlock.backend.consul;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the Consul backend creates its sessions and names its keys.
 *
 * @param keyPrefix the KV folder of the lock keys, without leading or trailing {@code /}
 * @param behavior what Consul does with a session's keys when it is invalidated
 * @param lockDelay how long Consul refuses a key whose session was invalidated (0s to
 * 60s): the former holder learns of its loss before anyone else can lock
 * @param checks agent health checks, besides {@code serfHealth}, every session is bound
 * to
 * @param sessionName the name sessions carry in Consul's UI
 * @param watchSessions whether a blocking query on each session reports its loss at once
 * @param deleteOnRelease whether release deletes the key instead of unlocking it
 * @param sessionIdleTimeout how long a session may serve no lock before it is destroyed
 */
public record ConsulLockSettings(String keyPrefix, SessionBehavior behavior, Duration lockDelay, List<String> checks,
		String sessionName, boolean watchSessions, boolean deleteOnRelease, Duration sessionIdleTimeout) {

	/** The shortest session ttl Consul accepts. */
	public static final Duration MIN_TTL = Duration.ofSeconds(10);

	/** The longest session ttl Consul accepts. */
	public static final Duration MAX_TTL = Duration.ofHours(24);

	/** How long a session may stay unused by default before it is destroyed. */
	public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofSeconds(60);

	/** Consul's default lock-delay. */
	public static final Duration DEFAULT_LOCK_DELAY = Duration.ofSeconds(15);

	/** The longest lock-delay Consul accepts. */
	public static final Duration MAX_LOCK_DELAY = Duration.ofSeconds(60);

	/** Validates and normalizes the settings. */
	public ConsulLockSettings {
		keyPrefix = normalizeKeyPrefix(keyPrefix);
		Objects.requireNonNull(behavior, "behavior");
		Objects.requireNonNull(lockDelay, "lockDelay");
		if (lockDelay.isNegative() || lockDelay.compareTo(MAX_LOCK_DELAY) > 0) {
			throw new IllegalArgumentException(
					"Consul accepts a lock-delay from 0s to 60s, but it was " + describe(lockDelay));
		}
		checks = List.copyOf(checks);
		if (checks.stream().anyMatch(String::isBlank)) {
			throw new IllegalArgumentException("Health check IDs must not be blank, but were " + checks);
		}
		if (Objects.requireNonNull(sessionName, "sessionName").isBlank()) {
			throw new IllegalArgumentException("The session name must not be blank");
		}
		if (Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout").isNegative()) {
			throw new IllegalArgumentException(
					"The session idle timeout must not be negative, but was " + describe(sessionIdleTimeout));
		}
	}

	/**
	 * Keys under {@code distlock/}, sessions that release their keys, Consul's default
	 * 15s lock-delay, no health checks besides {@code serfHealth}, sessions watched, keys
	 * unlocked (not deleted) on release, sessions destroyed after a minute without use.
	 */
	public static ConsulLockSettings defaults() {
		return new ConsulLockSettings("distlock", SessionBehavior.RELEASE, DEFAULT_LOCK_DELAY, List.of(), "distlock",
				true, false, DEFAULT_SESSION_IDLE_TIMEOUT);
	}

	/** These settings with another key prefix. */
	public ConsulLockSettings withKeyPrefix(String keyPrefix) {
		return new ConsulLockSettings(keyPrefix, this.behavior, this.lockDelay, this.checks, this.sessionName,
				this.watchSessions, this.deleteOnRelease, this.sessionIdleTimeout);
	}

	/** These settings with another lock-delay. */
	public ConsulLockSettings withLockDelay(Duration lockDelay) {
		return new ConsulLockSettings(this.keyPrefix, this.behavior, lockDelay, this.checks, this.sessionName,
				this.watchSessions, this.deleteOnRelease, this.sessionIdleTimeout);
	}

	/** These settings with another session name. */
	public ConsulLockSettings withSessionName(String sessionName) {
		return new ConsulLockSettings(this.keyPrefix, this.behavior, this.lockDelay, this.checks, sessionName,
				this.watchSessions, this.deleteOnRelease, this.sessionIdleTimeout);
	}

	/** Whether Consul accepts {@code ttl} as a session ttl. */
	public static boolean isSupportedTtl(Duration ttl) {
		return ttl.compareTo(MIN_TTL) >= 0 && ttl.compareTo(MAX_TTL) <= 0;
	}

	/** Rejects, naming the accepted range, a ttl Consul would refuse (never rounded). */
	public static void requireSupportedTtl(Duration ttl) {
		if (!isSupportedTtl(ttl)) {
			throw new IllegalArgumentException("Consul sessions accept a ttl from 10s to 24h (86400s), but the lock "
					+ "asked for " + describe(ttl) + "; use a ttl in that range");
		}
	}

	/** A duration as Consul and application.yml write it: {@code 15s}, {@code 1500ms}. */
	public static String describe(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	private static String normalizeKeyPrefix(String keyPrefix) {
		Objects.requireNonNull(keyPrefix, "keyPrefix");
		String trimmed = keyPrefix.strip().replaceAll("^/+|/+$", "");
		if (trimmed.isEmpty()) {
			throw new IllegalArgumentException(
					"The key prefix must name a KV folder such as 'distlock', but was '" + keyPrefix + "'");
		}
		for (String segment : trimmed.split("/", -1)) {
			if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
				throw new IllegalArgumentException("The key prefix '" + keyPrefix
						+ "' has an empty, '.' or '..' segment; use a plain folder path such as 'apps/orders/locks'");
			}
		}
		return trimmed;
	}

}
