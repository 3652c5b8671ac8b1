package io.github.distlock.it.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters and three replicas on {@code 127.0.0.1}, made
 * with {@code redis-cli --cluster create ... --cluster-replicas 1 --cluster-yes}, as
 * users run it. The cluster node timeout is {@value RedisClusterNode#NODE_TIMEOUT_MILLIS}
 * ms, so a replica is promoted within a few seconds of its master's death.
 *
 * <pre>
 * try (RedisCluster cluster = RedisCluster.start()) {
 *     RedisClusterNode master = cluster.masterOf("distlock:{k}");
 *     master.kill();
 *     cluster.awaitHealthy(Duration.ofSeconds(30));
 * }
 * </pre>
 *
 * <p>
 * Fault controls are those of each {@link RedisClusterNode} ({@code kill()},
 * {@code restart()}, {@code pause()}).
 */
public final class RedisCluster implements AutoCloseable {

	private static final int MEMBERS = 6;

	private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(60);

	private final List<RedisClusterNode> nodes = new ArrayList<>();

	private RedisCluster() {
	}

	/**
	 * Starts six nodes and forms the cluster; returns once every node sees all slots
	 * served.
	 * @return the running cluster
	 */
	public static RedisCluster start() {
		RedisCluster cluster = new RedisCluster();
		try {
			for (int i = 0; i < MEMBERS; i++) {
				RedisClusterNode node = new RedisClusterNode();
				cluster.nodes.add(node);
				node.start();
			}
			cluster.create();
			cluster.awaitHealthy(FORMATION_TIMEOUT);
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * Returns the nodes in start order.
	 * @return all six nodes, dead or alive
	 */
	public List<RedisClusterNode> nodes() {
		return List.copyOf(this.nodes);
	}

	/**
	 * Returns the addresses of all nodes, as an application lists them in
	 * {@code spring.data.redis.cluster.nodes}.
	 * @return {@code 127.0.0.1:<port>} of each node
	 */
	public List<String> addresses() {
		return this.nodes.stream().map(RedisClusterNode::address).toList();
	}

	/**
	 * Returns the live master that serves {@code key}'s slot now, as the live nodes see
	 * it.
	 * @param key a Redis key (hash tags count)
	 * @return the master
	 * @throws IllegalStateException when no live node names a live master for the slot
	 */
	public RedisClusterNode masterOf(String key) {
		int slot = Integer.parseInt(call(anyLive(), "CLUSTER", "KEYSLOT", key).substring(1));
		for (RedisClusterNode node : this.nodes) {
			if (node.isRunning() && role(node).equals("master") && servesSlot(node, slot)) {
				return node;
			}
		}
		throw new IllegalStateException("No live master serves slot " + slot + " of key " + key);
	}

	/**
	 * Waits until every live node reports {@code cluster_state:ok} and all 16384 slots
	 * served by live masters.
	 * @param timeout the bound on the wait
	 * @throws IllegalStateException when the cluster did not recover in time
	 */
	public void awaitHealthy(Duration timeout) {
		boolean healthy = Poll.until(timeout, Duration.ofMillis(100), this::healthy);
		if (!healthy) {
			throw new IllegalStateException("Redis Cluster " + addresses() + " not healthy within " + timeout);
		}
	}

	private boolean healthy() {
		for (RedisClusterNode node : this.nodes) {
			if (!node.isRunning()) {
				continue;
			}
			String info = call(node, "CLUSTER", "INFO");
			if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:16384")) {
				return false;
			}
		}
		// cluster_slots_ok counts slots whose master is not flagged failed yet: ask who
		// serves them.
		int served = 0;
		for (RedisClusterNode node : this.nodes) {
			if (node.isRunning() && role(node).equals("master")) {
				served += ownSlotCount(node);
			}
		}
		return served == 16384;
	}

	private void create() {
		List<String> command = new ArrayList<>(List.of(redisCli().toString(), "--cluster", "create"));
		command.addAll(addresses());
		command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			if (!process.waitFor(FORMATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(
						"redis-cli --cluster create did not finish within " + FORMATION_TIMEOUT);
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.exitValue() != 0 || !output.contains("All 16384 slots covered")) {
				throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating the cluster", ex);
		}
	}

	private static Path redisCli() {
		Path cli = ServerBinaries.binary(ServerKind.REDIS).resolveSibling("redis-cli");
		if (!cli.toFile().canExecute()) {
			throw new IllegalStateException(cli + " is missing: install redis-tools (redis-server depends on it)");
		}
		return cli;
	}

	private RedisClusterNode anyLive() {
		return this.nodes.stream()
			.filter(RedisClusterNode::isRunning)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node of the cluster is running"));
	}

	private static String role(RedisClusterNode node) {
		String reply = call(node, "ROLE");
		return reply.substring(1, reply.indexOf(','));
	}

	/** The "myself" line of CLUSTER NODES: id, address, flags, master, ..., slots. */
	private static String[] myself(RedisClusterNode node) {
		for (String line : call(node, "CLUSTER", "NODES").split("\n")) {
			String[] fields = line.strip().split(" ");
			if (fields.length > 2 && fields[2].contains("myself")) {
				return fields;
			}
		}
		throw new IllegalStateException(node + " does not list itself in CLUSTER NODES");
	}

	private static boolean servesSlot(RedisClusterNode node, int slot) {
		String[] fields = myself(node);
		for (int i = 8; i < fields.length; i++) {
			int[] range = range(fields[i]);
			if (range != null && range[0] <= slot && slot <= range[1]) {
				return true;
			}
		}
		return false;
	}

	private static int ownSlotCount(RedisClusterNode node) {
		String[] fields = myself(node);
		int count = 0;
		for (int i = 8; i < fields.length; i++) {
			int[] range = range(fields[i]);
			count += (range != null) ? range[1] - range[0] + 1 : 0;
		}
		return count;
	}

	/** A slot or slot range field, or null for a migrating/importing mark. */
	private static int[] range(String field) {
		if (field.startsWith("[")) {
			return null;
		}
		int dash = field.indexOf('-');
		return (dash < 0) ? new int[] { Integer.parseInt(field), Integer.parseInt(field) }
				: new int[] { Integer.parseInt(field.substring(0, dash)), Integer.parseInt(field.substring(dash + 1)) };
	}

	private static String call(RedisClusterNode node, String... command) {
		try (RespConnection connection = new RespConnection(node.port(), Duration.ofSeconds(2))) {
			return connection.call(command);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Redis Cluster node " + node + " did not answer " + String.join(" ", command), ex);
		}
	}

	/**
	 * Kills every node; logs stay under {@code target/servers}.
	 */
	@Override
	public void close() {
		for (RedisClusterNode node : this.nodes) {
			node.close();
		}
	}

}
