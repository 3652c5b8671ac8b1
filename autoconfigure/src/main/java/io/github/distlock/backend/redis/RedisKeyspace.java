package io.github.distlock.backend.redis;

import java.util.Objects;

/**
 * Names of what the Redis backend stores: per lock key a lock entry, a fencing counter
 * and, while someone waits, a waiters mark; and the channels of release notifications,
 * one per instance; all under a prefix of their own.
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

	private static final String REQUIRED_COMMANDS = "+ping +evalsha +eval +subscribe +get +set +del +time +incr "
			+ "+ttl +pttl +pexpire +publish +type +zadd +zpopmin +zremrangebyscore";

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
	 * The channel on which a release publishes the encoded key it freed for the instance
	 * {@code instanceId}, the one of its waiters it wakes: only that instance receives
	 * the message.
	 */
	public String releaseChannel(String instanceId) {
		return sharedReleaseChannel() + ":" + instanceId;
	}

	/**
	 * The channel that distlock 0.1 instances wait on: every instance subscribes to it, a
	 * release publishes on it only when a 0.1 instance waits for the key, and 0.1
	 * instances publish their releases on it.
	 */
	public String sharedReleaseChannel() {
		return this.prefix + ":released";
	}

	/**
	 * The least a Redis user needs to lock under this prefix, as {@code ACL SETUSER}
	 * rules: the keys, the release channels (the shared one and every instance's) and the
	 * commands of the scripts.
	 */
	public String minimalAclRules() {
		return "~" + this.prefix + ":* &" + sharedReleaseChannel() + "* " + REQUIRED_COMMANDS;
	}

}
