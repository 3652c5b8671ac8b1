package io.github.distlock.it.servers;

/**
 * Starts real servers programmatically, for ad-hoc needs the extension does not cover
 * (several servers of one kind, a server per loop iteration, servers in a {@code main}
 * method). The caller owns the result and must close it, best with try-with-resources; a
 * JVM shutdown hook kills leftover processes only as a backstop.
 *
 * <pre>
 * try (RedisServer redis = Servers.redis()) {
 *     ...
 * }
 * </pre>
 *
 * <p>
 * Every method returns once the server answers its readiness probe, or throws; a binary
 * that {@code integration-tests/servers/install.sh} has not installed yields an
 * {@link IllegalStateException} saying so.
 */
public final class Servers {

	private Servers() {
	}

	/**
	 * Starts a dedicated Redis server with default options.
	 * @return the running server
	 */
	public static RedisServer redis() {
		return (RedisServer) start(ServerKind.REDIS, ServerOptions.defaults(), false);
	}

	/**
	 * Starts a dedicated etcd server.
	 * @param kind {@link ServerKind#ETCD_3_5} or {@link ServerKind#ETCD_3_4}
	 * @param options start-up options (args appended to the etcd command line)
	 * @return the running server
	 */
	public static EtcdServer etcd(ServerKind kind, ServerOptions options) {
		return (EtcdServer) start(kind, options, false);
	}

	/**
	 * Starts a dedicated Consul agent.
	 * @param options start-up options (config file content, args appended to
	 * {@code consul agent})
	 * @return the running server
	 */
	public static ConsulServer consul(ServerOptions options) {
		return (ConsulServer) start(ServerKind.CONSUL, options, false);
	}

	/**
	 * Starts a dedicated in-process ZooKeeper server.
	 * @return the running server
	 */
	public static ZooKeeperServer zooKeeper() {
		return (ZooKeeperServer) start(ServerKind.ZOOKEEPER, ServerOptions.defaults(), false);
	}

	static RealServer start(ServerKind kind, ServerOptions options, boolean shared) {
		if (options.config() != null && kind != ServerKind.CONSUL) {
			throw new IllegalArgumentException(kind.id() + " takes no config file; only Consul does");
		}
		switch (kind) {
			case REDIS:
				return started(new RedisServer(options, shared));
			case ETCD_3_5:
			case ETCD_3_4:
				return started(new EtcdServer(kind, options, shared));
			case CONSUL:
				return started(new ConsulServer(options, shared));
			case ZOOKEEPER:
				if (!options.args().isEmpty()) {
					throw new IllegalArgumentException("the in-process ZooKeeper server takes no command-line args");
				}
				return ZooKeeperServer.start(shared, options.startupTimeout());
			default:
				throw new IllegalArgumentException("unknown kind " + kind);
		}
	}

	/**
	 * Closes a server whatever its sharing; the extension's way to end shared servers.
	 */
	static void shutdown(RealServer server) {
		if (server instanceof ProcessServer process) {
			process.shutdown();
		}
		else if (server instanceof ZooKeeperServer zooKeeper) {
			zooKeeper.shutdown();
		}
	}

	private static ProcessServer started(ProcessServer server) {
		server.start();
		return server;
	}

}
