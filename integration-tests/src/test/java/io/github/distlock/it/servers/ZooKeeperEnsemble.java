package io.github.distlock.it.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingZooKeeperServer;

/**
 * A real three-server ZooKeeper ensemble run in-process by curator-test's
 * {@link TestingCluster}, on free loopback ports with its data under
 * {@code target/servers/}. The tick is 500 ms, so sessions are negotiated between 1 s and
 * 10 s and a dead leader is replaced within a second or two.
 *
 * <p>
 * {@link #kill(TestingZooKeeperServer)} stops a server (its sockets close, its data
 * stays); {@link #restart(TestingZooKeeperServer)} starts it again with the same data.
 * The leader is found with the {@code srvr} four-letter command.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {

	/** ZooKeeper's time unit; sessions are bounded to 2 to 20 ticks. */
	public static final int TICK_MILLIS = 500;

	private static final int SERVERS = 3;

	private final TestingCluster cluster;

	private final List<Integer> reserved = new ArrayList<>();

	private ZooKeeperEnsemble(List<InstanceSpec> specs, List<Integer> reserved) {
		this.cluster = new TestingCluster(specs);
		this.reserved.addAll(reserved);
	}

	/**
	 * Starts the ensemble and returns once a leader is elected.
	 * @return the running ensemble
	 */
	public static ZooKeeperEnsemble start() {
		List<InstanceSpec> specs = new ArrayList<>();
		List<Integer> ports = new ArrayList<>();
		for (int i = 1; i <= SERVERS; i++) {
			int[] free = Ports.reserve(3);
			for (int port : free) {
				ports.add(port);
			}
			Path dataDir = ServerFiles.root().resolve(ServerKind.ZOOKEEPER.id() + "-" + free[0] + ".data");
			ServerFiles.deleteRecursively(dataDir);
			try {
				Files.createDirectories(dataDir);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			specs.add(new InstanceSpec(
					dataDir.toFile(), free[0], free[1], free[2], false, i, TICK_MILLIS, 0, Map.of("clientPortAddress",
							"127.0.0.1", "admin.enableServer", "false", "4lw.commands.whitelist", "srvr"),
					"127.0.0.1"));
		}
		ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(specs, ports);
		try {
			ensemble.cluster.start();
			ensemble.awaitLeader(Duration.ofSeconds(60));
			return ensemble;
		}
		catch (Exception ex) {
			ensemble.close();
			throw (ex instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
		}
	}

	/**
	 * Returns the connect string of all three servers.
	 * @return {@code 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}
	 */
	public String connectString() {
		return this.cluster.getConnectString();
	}

	/**
	 * Returns the server that leads now.
	 * @return the leader
	 * @throws IllegalStateException when none does
	 */
	public TestingZooKeeperServer leader() {
		return this.cluster.getServers()
			.stream()
			.filter((server) -> "leader".equals(mode(server.getInstanceSpec().getPort())))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No ZooKeeper server leads now"));
	}

	/**
	 * Waits until one server leads and the others follow it.
	 * @param timeout the bound on the wait
	 */
	public void awaitLeader(Duration timeout) {
		boolean led = Poll.until(timeout, Duration.ofMillis(50), () -> {
			int leaders = 0;
			for (TestingZooKeeperServer server : this.cluster.getServers()) {
				String mode = mode(server.getInstanceSpec().getPort());
				leaders += "leader".equals(mode) ? 1 : 0;
			}
			return leaders == 1;
		});
		if (!led) {
			throw new IllegalStateException(
					"ZooKeeper ensemble " + connectString() + " has no leader after " + timeout);
		}
	}

	/**
	 * Stops {@code server} abruptly; returns once it is down.
	 */
	public void kill(TestingZooKeeperServer server) {
		try {
			this.cluster.killServer(server.getInstanceSpec());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not kill " + server.getInstanceSpec(), ex);
		}
	}

	/**
	 * Starts a killed {@code server} again with its data.
	 */
	public void restart(TestingZooKeeperServer server) {
		try {
			this.cluster.restartServer(server.getInstanceSpec());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not restart " + server.getInstanceSpec(), ex);
		}
	}

	/** The server's mode from {@code srvr}: leader, follower, standalone, or null. */
	private static String mode(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(Ports.loopback(), port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("srvr".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
			for (String line : reply.split("\n")) {
				if (line.startsWith("Mode: ")) {
					return line.substring("Mode: ".length()).strip();
				}
			}
			return null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Stops every server; data stays under {@code target/servers}.
	 */
	@Override
	public void close() {
		try {
			this.cluster.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			this.reserved.forEach(Ports::release);
		}
	}

}
