package io.github.distlock.it.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * A real ZooKeeper server run in-process by curator-test's {@link TestingServer}, bound
 * to {@code 127.0.0.1}, with its data under
 * {@code target/servers/zookeeper-<port>.data/}.
 *
 * <p>
 * Clients connect through a built-in {@link TcpProxy} ({@link #connectString()}), because
 * an in-process server cannot be frozen with {@code SIGSTOP}: {@link #pause()} stalls the
 * proxy instead. The server's clock keeps running meanwhile, so sessions whose timeout
 * passes during the pause are expired by the server, which is also what a real
 * frozen-then-resumed server does (its session tracker is wall-clock based).
 *
 * <p>
 * {@link #kill()} stops the server (client connections drop, data stays on disk);
 * {@link #restart()} starts it again on the same port with the same data, so persistent
 * nodes and still-valid sessions survive. To expire one client's session without touching
 * the server (its ephemeral nodes vanish at once), use
 * {@link #expireSession(CuratorFramework)}.
 */
public final class ZooKeeperServer implements RealServer {

	private final Duration readyTimeout;

	private final boolean shared;

	private final TestingServer server;

	private final TcpProxy proxy;

	private boolean running;

	private boolean closed;

	private ZooKeeperServer(boolean shared, TestingServer server, Duration readyTimeout) {
		this.readyTimeout = readyTimeout;
		this.shared = shared;
		this.server = server;
		this.proxy = TcpProxy.start(server.getPort());
		this.running = true;
	}

	static ZooKeeperServer start(boolean shared, Duration readyTimeout) {
		Path root = ServerFiles.root();
		RuntimeException last = null;
		// The port is probed free before TestingServer binds it, so another process can
		// win the race.
		for (int attempt = 1; attempt <= 5; attempt++) {
			int port = Ports.reserve(1)[0];
			Path dataDir = root.resolve(ServerKind.ZOOKEEPER.id() + "-" + port + ".data");
			ServerFiles.deleteRecursively(dataDir);
			TestingServer server = null;
			try {
				Files.createDirectories(dataDir);
				// Data is kept after close for post-mortems, like the other servers' data
				// (wiped on
				// the next start on this port). maxClientCnxns 0 = unlimited: every
				// client of the
				// suite comes from 127.0.0.1, and the default of 60 per address is
				// reachable.
				InstanceSpec spec = new InstanceSpec(dataDir.toFile(), port, -1, -1, false, -1, -1, 0,
						Map.of("clientPortAddress", "127.0.0.1", "admin.enableServer", "false"), "127.0.0.1");
				server = new TestingServer(spec, true);
				ZooKeeperServer zk = new ZooKeeperServer(shared, server, readyTimeout);
				zk.awaitReady();
				return zk;
			}
			catch (Exception e) {
				last = e instanceof RuntimeException re ? re : new IllegalStateException(e);
				if (server != null) {
					try {
						server.close();
					}
					catch (IOException ignored) {
						// already failing; the original error is what matters
					}
				}
				Ports.release(port);
			}
		}
		throw new IllegalStateException("Cannot start an in-process ZooKeeper server", last);
	}

	/**
	 * {@inheritDoc}
	 *
	 * <p>
	 * This is the proxy's port; see {@link #serverPort()} for the server's own.
	 */
	@Override
	public int port() {
		return proxy.port();
	}

	/**
	 * Returns the port the server itself listens on, bypassing the proxy (and so
	 * {@link #pause()}).
	 * @return the server port
	 */
	public int serverPort() {
		return server.getPort();
	}

	/**
	 * Returns the connect string clients should use (through the proxy).
	 * @return {@code 127.0.0.1:<proxy port>}
	 */
	public String connectString() {
		return host() + ":" + port();
	}

	@Override
	public synchronized boolean isRunning() {
		return running;
	}

	/**
	 * {@inheritDoc}
	 *
	 * <p>
	 * Stalls the proxy: the server runs on but nothing reaches it or comes back.
	 */
	@Override
	public synchronized void pause() {
		requireFaultControls("pause");
		proxy.stall();
	}

	@Override
	public synchronized void resume() {
		requireFaultControls("resume");
		proxy.resume();
	}

	/**
	 * {@inheritDoc}
	 *
	 * <p>
	 * Stops the in-process server (there is no process to {@code SIGKILL}); clients'
	 * connections are dropped and reconnects are refused until {@link #restart()}.
	 */
	@Override
	public synchronized void kill() {
		requireFaultControls("kill");
		stopServer();
		proxy.sever();
	}

	@Override
	public synchronized void restart() {
		requireFaultControls("restart");
		if (closed) {
			throw new IllegalStateException("ZooKeeper server is closed");
		}
		try {
			// TestingServer.restart() stops a running server first and keeps port and
			// data.
			server.restart();
		}
		catch (Exception e) {
			throw new IllegalStateException("Cannot restart the ZooKeeper server on port " + serverPort(), e);
		}
		running = true;
		proxy.resume();
		awaitReady();
	}

	/**
	 * Expires the client's current session on the server: its ephemeral nodes are deleted
	 * and its watches dropped at once, and the client sees {@code Expired} when it next
	 * talks to the server (Curator then builds a new session). Works on shared servers
	 * too, since it affects only that client.
	 * @param client a started Curator client connected to this server
	 */
	public void expireSession(CuratorFramework client) {
		ZooKeeper zooKeeper;
		try {
			zooKeeper = client.getZookeeperClient().getZooKeeper();
		}
		catch (Exception e) {
			throw new IllegalStateException("Cannot get the ZooKeeper handle of " + client, e);
		}
		expireSession(zooKeeper);
	}

	/**
	 * Expires the session of a raw ZooKeeper handle; see
	 * {@link #expireSession(CuratorFramework)}.
	 *
	 * <p>
	 * Curator's {@code KillSession} only fakes the expiry inside the client
	 * ({@code injectSessionExpiration}); the server keeps the session, and its ephemeral
	 * nodes, until the session timeout. A real expiry is obtained the classic way: a
	 * second handle joins the same session (same id and password, straight to the server
	 * port so a paused proxy does not matter) and closes it, which makes the server end
	 * the session now.
	 * @param zooKeeper the handle
	 */
	public void expireSession(ZooKeeper zooKeeper) {
		long sessionId = zooKeeper.getSessionId();
		byte[] password = zooKeeper.getSessionPasswd();
		CountDownLatch connected = new CountDownLatch(1);
		try {
			ZooKeeper twin = new ZooKeeper("127.0.0.1:" + serverPort(), zooKeeper.getSessionTimeout(), event -> {
				if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
					connected.countDown();
				}
			}, sessionId, password);
			try {
				if (!connected.await(readyTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
					throw new IllegalStateException("Could not join session 0x" + Long.toHexString(sessionId));
				}
			}
			finally {
				// Closing sends closeSession and waits for the server's answer, so the
				// session is
				// gone when this returns.
				twin.close();
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while expiring a session", e);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@Override
	public void close() {
		if (!shared) {
			shutdown();
		}
	}

	/**
	 * Closes the server regardless of sharing; used by the extension for shared servers.
	 */
	synchronized void shutdown() {
		if (closed) {
			return;
		}
		closed = true;
		proxy.close();
		try {
			server.close();
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot close the ZooKeeper server", e);
		}
		finally {
			running = false;
			Ports.release(server.getPort());
		}
	}

	@Override
	public String toString() {
		return "zookeeper@" + connectString() + " (server port " + serverPort() + ")" + (shared ? " (shared)" : "");
	}

	private void stopServer() {
		try {
			server.stop();
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot stop the ZooKeeper server", e);
		}
		running = false;
	}

	/**
	 * Connects a throw-away client straight to the server port and waits for the session.
	 */
	private void awaitReady() {
		CountDownLatch connected = new CountDownLatch(1);
		ZooKeeper zk = null;
		try {
			zk = new ZooKeeper("127.0.0.1:" + serverPort(), 10_000, event -> {
				if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
					connected.countDown();
				}
			});
			if (!connected.await(readyTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(
						"ZooKeeper on port " + serverPort() + " did not accept a session within " + readyTimeout);
			}
			zk.exists("/", false);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for ZooKeeper", e);
		}
		catch (Exception e) {
			throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
		}
		finally {
			if (zk != null) {
				try {
					zk.close();
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

	private void requireFaultControls(String action) {
		if (shared) {
			throw new IllegalStateException("Cannot " + action + " the shared zookeeper server: other test classes use"
					+ " it. Ask for a dedicated one (@Dedicated or Servers).");
		}
	}

}
