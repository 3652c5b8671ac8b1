package io.github.distlock.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The ZooKeeper backend cannot start: no usable Curator client, or ZooKeeper refused or
 * did not answer the startup check.
 */
public final class ZooKeeperStartupException extends BackendSelectionException {

	private static final long serialVersionUID = 1L;

	/** What went wrong, which decides the action the failure analyzer writes. */
	enum Problem {

		/** Several {@code CuratorFramework} beans, none primary. */
		SEVERAL_CLIENTS,

		/**
		 * Connection properties set beside the application's client, which would ignore
		 * them.
		 */
		PROPERTIES_BESIDE_CLIENT,

		/** The application's client is not started. */
		CLIENT_NOT_STARTED,

		/** Neither a connect string nor a client bean. */
		NO_CONNECTION,

		/** Only one of username and password. */
		INCOMPLETE_CREDENTIALS,

		/** The base path's nodes belong to another identity. */
		NOT_AUTHORIZED,

		/** ZooKeeper refused the startup check otherwise. */
		SERVER_REFUSED,

		/** ZooKeeper could not be reached in time. */
		UNREACHABLE,

		/** The startup check was interrupted. */
		INTERRUPTED

	}

	private final Problem problem;

	private final @Nullable String basePath;

	private final boolean ownClient;

	private ZooKeeperStartupException(Problem problem, String message, @Nullable String basePath, boolean ownClient,
			@Nullable Throwable cause) {
		super(message, cause);
		this.problem = problem;
		this.basePath = basePath;
		this.ownClient = ownClient;
	}

	private static ZooKeeperStartupException of(Problem problem, String message) {
		return new ZooKeeperStartupException(problem, message, null, false, null);
	}

	static ZooKeeperStartupException severalClients() {
		return of(Problem.SEVERAL_CLIENTS, "The application defines several CuratorFramework beans and none is "
				+ "@Primary, so distlock cannot tell which one to lock with");
	}

	static ZooKeeperStartupException propertiesBesideClient() {
		return of(Problem.PROPERTIES_BESIDE_CLIENT, "distlock.zookeeper.connect-string or distlock.zookeeper.auth.* "
				+ "is set, but the application defines a CuratorFramework bean, which distlock uses as it is: those "
				+ "properties would be ignored");
	}

	static ZooKeeperStartupException clientNotStarted(Object state) {
		return of(Problem.CLIENT_NOT_STARTED,
				"The application's CuratorFramework bean is not started (state " + state + ")");
	}

	static ZooKeeperStartupException noConnection() {
		return of(Problem.NO_CONNECTION, "distlock.backend is 'zookeeper' but no ZooKeeper connection is configured: "
				+ "distlock.zookeeper.connect-string is not set and there is no CuratorFramework bean");
	}

	static ZooKeeperStartupException incompleteCredentials() {
		return of(Problem.INCOMPLETE_CREDENTIALS,
				"distlock.zookeeper.auth needs both a username and a password, but only one is set");
	}

	/**
	 * ZooKeeper failed the startup check.
	 * @param problem {@link Problem#NOT_AUTHORIZED}, {@link Problem#SERVER_REFUSED} or
	 * {@link Problem#UNREACHABLE}
	 */
	static ZooKeeperStartupException refused(Problem problem, String basePath, boolean ownClient, Throwable failure) {
		return new ZooKeeperStartupException(problem, failure.getMessage(), basePath, ownClient, failure);
	}

	static ZooKeeperStartupException interrupted(InterruptedException failure) {
		return new ZooKeeperStartupException(Problem.INTERRUPTED, "Interrupted while connecting to ZooKeeper", null,
				false, failure);
	}

	Problem problem() {
		return this.problem;
	}

	@Override
	public boolean isServerUnreachable() {
		return this.problem == Problem.UNREACHABLE;
	}

	/** The parent path of the lock nodes, when ZooKeeper answered. */
	@Nullable String basePath() {
		return this.basePath;
	}

	/** Whether distlock built the client from {@code distlock.zookeeper.*}. */
	boolean ownClient() {
		return this.ownClient;
	}

}
