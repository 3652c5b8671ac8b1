package io.github.distlock.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One acquisition attempt, validated on construction.
 *
 * @param key the encoded key: 1 to {@value #MAX_ENCODED_LENGTH} characters from
 * {@code [A-Za-z0-9._:,%~-]}, never containing {@code /} and never {@code .} or
 * {@code ..}, so it is safe as one path segment of any backend's key space; distinct user
 * keys give distinct encoded keys
 * @param ttl how long the server keeps the lock if it is not renewed
 * @param waitTime how long to wait for a busy lock; zero tries once
 */
public record LockRequest(String key, Duration ttl, Duration waitTime) {

	/**
	 * The longest encoded key a backend is given.
	 */
	public static final int MAX_ENCODED_LENGTH = 256;

	/**
	 * Validates the request.
	 */
	public LockRequest {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(ttl, "ttl");
		Objects.requireNonNull(waitTime, "waitTime");
		if (key.isEmpty() || key.length() > MAX_ENCODED_LENGTH || key.indexOf('/') >= 0 || key.equals(".")
				|| key.equals("..")) {
			throw new IllegalArgumentException("Not an encoded lock key: '" + key + "'");
		}
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
		}
		if (waitTime.isNegative()) {
			throw new IllegalArgumentException("waitTime must not be negative, but was " + waitTime);
		}
	}

}
