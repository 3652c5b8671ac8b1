package io.github.distlock.it.servers;

/**
 * A real Redis, etcd, Consul or ZooKeeper server started for the integration tests,
 * listening on a free port on {@code 127.0.0.1} only.
 *
 * <p>
 * Fault controls ({@link #pause()}, {@link #resume()}, {@link #kill()},
 * {@link #restart()}) are only allowed on dedicated servers: a shared server (see
 * {@link RealServersExtension}) is used by many test classes, and freezing or killing it
 * would break them, so those methods throw {@link IllegalStateException} there.
 *
 * <p>
 * Implementations are thread-safe; fault-control methods return only once the fault is in
 * effect (the process is stopped, dead, or answering again).
 */
public interface RealServer extends AutoCloseable {

	/**
	 * Returns the address clients connect to; always {@code 127.0.0.1}.
	 * @return the host
	 */
	default String host() {
		return "127.0.0.1";
	}

	/**
	 * Returns the port clients connect to. It stays the same across {@link #restart()}.
	 * @return the client port
	 */
	int port();

	/**
	 * Returns whether the server is alive (possibly paused).
	 * @return {@code true} between a (re)start and a kill, stop or close
	 */
	boolean isRunning();

	/**
	 * Freezes the server: it keeps its sockets open but does not answer anything until
	 * {@link #resume()}. Clients see timeouts, not connection errors.
	 */
	void pause();

	/** Undoes {@link #pause()}; returns once the server runs again. */
	void resume();

	/**
	 * Kills the server abruptly (no shutdown hooks, no goodbye to clients); returns once
	 * it is gone. Its data directory, if it has one, is kept so that {@link #restart()}
	 * can reuse it.
	 */
	void kill();

	/**
	 * Stops the server if it is running (gracefully, falling back to a kill after a
	 * bounded wait) and starts it again on the same port, returning once it answers. What
	 * survives depends on the server; see the implementing class.
	 */
	void restart();

	/**
	 * Stops the server for good and frees its resources. Idempotent. A no-op on shared
	 * servers, whose lifetime the extension owns.
	 */
	@Override
	void close();

}
