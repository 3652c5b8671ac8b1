package io.github.distlock.backend.redis;

import java.util.Objects;

/**
 * Names of what the Redis backend stores: per lock key a lock entry, a fencing counter
 * and, while someone waits, a waiters mark; and one channel for release notifications;
 * all under a prefix of their own.
 *
 * <p>
 * The encoded lock key is wrapped in a hash tag ({@code {...}}), so the keys of one lock
 * always live in the same Redis Cluster slot and one script may touch them all.
 *
 * @param prefix the prefix of every key and of the channel, without braces
 */
public record RedisKeyspace(String prefix) {

	/**
	 * The prefix used unless configured otherwise.
	 */
	public static final String DEFAULT_PREFIX = "distlock";

	/**
	 * Validates the prefix.
	 */
	public RedisKeyspace {
		Objects.requireNonNull(prefix, "prefix");
		if (prefix.isBlank()) {
			throw new IllegalArgumentException("must not be empty, for example '" + DEFAULT_PREFIX + "'");
		}
		if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			// A brace would make Redis Cluster hash the prefix, putting every lock into
			// one slot.
			throw new IllegalArgumentException(
					"must not contain '{' or '}' (distlock adds the hash tag itself), but was '" + prefix + "'");
		}
	}

	/**
	 * The Redis key holding the lock on {@code encodedKey}; its value identifies the
	 * holder.
	 */
	public String lockKey(String encodedKey) {
		return this.prefix + ":{" + encodedKey + "}";
	}

	/**
	 * The Redis key of the fencing counter of {@code encodedKey}, in the same cluster
	 * slot as its lock.
	 */
	public String fencingKey(String encodedKey) {
		return this.prefix + ":{" + encodedKey + "}:fencing";
	}

	/**
	 * The Redis key that marks {@code encodedKey} as awaited: while it exists, a release
	 * publishes.
	 */
	public String waitersKey(String encodedKey) {
		return this.prefix + ":{" + encodedKey + "}:waiters";
	}

	/**
	 * The channel on which a release publishes the encoded key it freed, when someone
	 * waits for it.
	 */
	public String releaseChannel() {
		return this.prefix + ":released";
	}

}
