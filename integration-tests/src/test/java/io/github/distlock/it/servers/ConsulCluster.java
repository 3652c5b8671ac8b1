package io.github.distlock.it.servers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A real Consul 1.8 cluster on {@code 127.0.0.1} as users run it: three servers
 * ({@code -server -bootstrap-expect 3}, joined with {@code -retry-join}) and one client
 * agent, which is the one applications talk to ({@link #client()}).
 *
 * <pre>
 * try (ConsulCluster cluster = ConsulCluster.start()) {
 *     cluster.leader().kill();
 *     cluster.awaitLeader(Duration.ofSeconds(30));
 * }
 * </pre>
 */
public final class ConsulCluster implements AutoCloseable {

	private static final int SERVERS = 3;

	private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(60);

	private final List<ConsulClusterAgent> servers = new ArrayList<>();

	private ConsulClusterAgent client;

	private ConsulCluster() {
	}

	/**
	 * Starts the three servers and the client agent, and returns once every agent knows
	 * the same leader.
	 * @return the running cluster
	 */
	public static ConsulCluster start() {
		ConsulCluster cluster = new ConsulCluster();
		try {
			List<int[]> ports = new ArrayList<>();
			List<String> serfAddresses = new ArrayList<>();
			for (int i = 0; i <= SERVERS; i++) {
				int[] reserved = Ports.reserve(4);
				ports.add(reserved);
				if (i < SERVERS) {
					serfAddresses.add("127.0.0.1:" + reserved[1]);
				}
			}
			List<CompletableFuture<Void>> starts = new ArrayList<>();
			for (int i = 0; i < SERVERS; i++) {
				List<String> others = new ArrayList<>(serfAddresses);
				others.remove(i);
				ConsulClusterAgent server = new ConsulClusterAgent("server-" + i, true, others, ports.get(i)[3]);
				cluster.servers.add(server);
				int[] reserved = ports.get(i);
				starts.add(CompletableFuture.runAsync(() -> server.startOn(reserved)));
			}
			CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
			cluster.client = new ConsulClusterAgent("client", false, serfAddresses, ports.get(SERVERS)[3]);
			cluster.client.startOn(ports.get(SERVERS));
			cluster.awaitLeader(FORMATION_TIMEOUT);
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * Returns the client agent, the one an application's {@code spring.cloud.consul.*}
	 * points at.
	 * @return the client agent
	 */
	public ConsulClusterAgent client() {
		return this.client;
	}

	/**
	 * Returns the servers in start order.
	 * @return the three servers, dead or alive
	 */
	public List<ConsulClusterAgent> servers() {
		return List.copyOf(this.servers);
	}

	/**
	 * Returns the server that leads now, as the client agent sees it.
	 * @return the leader
	 * @throws IllegalStateException when there is none
	 */
	public ConsulClusterAgent leader() {
		String leader = this.client.knownLeader();
		return this.servers.stream()
			.filter((server) -> server.isRunning() && server.serverAddress().equals(leader))
			.findFirst()
			.orElseThrow(
					() -> new IllegalStateException("No Consul server leads now (client agent says " + leader + ")"));
	}

	/**
	 * Waits until every live agent knows the same live leader.
	 * @param timeout the bound on the wait
	 */
	public void awaitLeader(Duration timeout) {
		boolean led = Poll.until(timeout, Duration.ofMillis(100), () -> {
			String leader = this.client.knownLeader();
			boolean live = this.servers.stream()
				.anyMatch((server) -> server.isRunning() && server.serverAddress().equals(leader));
			return live && this.servers.stream()
				.filter(ConsulClusterAgent::isRunning)
				.allMatch((server) -> Objects.equals(server.knownLeader(), leader));
		});
		if (!led) {
			throw new IllegalStateException("Consul cluster has no leader known to all agents after " + timeout);
		}
	}

	/**
	 * Kills every agent; logs and data stay under {@code target/servers}.
	 */
	@Override
	public void close() {
		if (this.client != null) {
			this.client.close();
		}
		for (ConsulClusterAgent server : this.servers) {
			server.close();
		}
	}

}
