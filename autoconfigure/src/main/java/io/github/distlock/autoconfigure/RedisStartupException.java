package io.github.distlock.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The Redis backend cannot start: no usable Lettuce connection, or Redis refused or did
 * not answer the startup check.
 */
public final class RedisStartupException extends BackendSelectionException {

	private static final long serialVersionUID = 1L;

	/** What went wrong, which decides the action the failure analyzer writes. */
	enum Problem {

		/**
		 * Lettuce is missing, or the application's connection factory is not Lettuce's.
		 */
		LETTUCE_REQUIRED,

		/** There is no single {@code RedisConnectionFactory} bean. */
		NO_CONNECTION_FACTORY,

		/** Redis refused the user or password. */
		CREDENTIALS_REFUSED,

		/** Redis refused a key, channel or command to the user. */
		PERMISSION_DENIED,

		/** Redis could not be reached, or failed otherwise. */
		UNREACHABLE

	}

	private final Problem problem;

	private final @Nullable String keyPrefix;

	private RedisStartupException(Problem problem, String message, @Nullable String keyPrefix,
			@Nullable Throwable cause) {
		super(message, cause);
		this.problem = problem;
		this.keyPrefix = keyPrefix;
	}

	static RedisStartupException lettuceMissing() {
		return lettuceRequired("Lettuce (io.lettuce:lettuce-core) is not on the classpath");
	}

	static RedisStartupException notLettuce(Class<?> connectionFactoryType) {
		return lettuceRequired("the application's RedisConnectionFactory is a " + connectionFactoryType.getName());
	}

	private static RedisStartupException lettuceRequired(String why) {
		return new RedisStartupException(Problem.LETTUCE_REQUIRED,
				"distlock.backend is 'redis', which needs the Lettuce client, but " + why, null, null);
	}

	static RedisStartupException noConnectionFactory() {
		return new RedisStartupException(Problem.NO_CONNECTION_FACTORY,
				"distlock.backend is 'redis' but there is no single RedisConnectionFactory bean to use", null, null);
	}

	/**
	 * Redis failed the startup check.
	 * @param problem {@link Problem#CREDENTIALS_REFUSED},
	 * {@link Problem#PERMISSION_DENIED} or {@link Problem#UNREACHABLE}
	 */
	static RedisStartupException unusable(Problem problem, String keyPrefix, Throwable failure) {
		return new RedisStartupException(problem, "distlock could not use Redis: " + failure.getMessage(), keyPrefix,
				failure);
	}

	Problem problem() {
		return this.problem;
	}

	@Override
	public boolean isServerUnreachable() {
		return this.problem == Problem.UNREACHABLE;
	}

	/** The prefix of distlock's keys and channel, when Redis answered. */
	@Nullable String keyPrefix() {
		return this.keyPrefix;
	}

}
