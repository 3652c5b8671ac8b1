package io.github.distlock.it.servers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A real three-member etcd 3.5 cluster on {@code 127.0.0.1}, its members started together
 * (none answers {@code /health} before a quorum is up).
 *
 * <pre>
 * try (EtcdCluster cluster = EtcdCluster.start()) {
 *     EtcdClusterMember leader = cluster.leader();
 *     leader.kill();
 *     cluster.awaitLeader(Duration.ofSeconds(30));
 * }
 * </pre>
 */
public final class EtcdCluster implements AutoCloseable {

	private static final int MEMBERS = 3;

	private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(60);

	private final List<EtcdClusterMember> members = new ArrayList<>();

	private EtcdCluster() {
	}

	/**
	 * Starts the three members and returns once one of them leads and all are healthy.
	 * @return the running cluster
	 */
	public static EtcdCluster start() {
		EtcdCluster cluster = new EtcdCluster();
		try {
			List<int[]> ports = new ArrayList<>();
			StringBuilder initial = new StringBuilder();
			for (int i = 0; i < MEMBERS; i++) {
				int[] reserved = Ports.reserve(2);
				ports.add(reserved);
				initial.append((i > 0) ? "," : "")
					.append("m")
					.append(i)
					.append("=http://127.0.0.1:")
					.append(reserved[1]);
			}
			for (int i = 0; i < MEMBERS; i++) {
				cluster.members.add(new EtcdClusterMember("m" + i, initial.toString()));
			}
			List<CompletableFuture<Void>> starts = new ArrayList<>();
			for (int i = 0; i < MEMBERS; i++) {
				EtcdClusterMember member = cluster.members.get(i);
				int[] reserved = ports.get(i);
				starts.add(CompletableFuture.runAsync(() -> member.startOn(reserved)));
			}
			CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
			cluster.awaitLeader(FORMATION_TIMEOUT);
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * Returns the members in start order.
	 * @return all three, dead or alive
	 */
	public List<EtcdClusterMember> members() {
		return List.copyOf(this.members);
	}

	/**
	 * Returns the client URLs of all members, as an application lists them.
	 * @return the endpoints, comma-separated
	 */
	public String endpoints() {
		return this.members.stream().map(EtcdClusterMember::endpoint).collect(Collectors.joining(","));
	}

	/**
	 * Returns the member that leads now.
	 * @return the leader
	 * @throws IllegalStateException when no live member leads
	 */
	public EtcdClusterMember leader() {
		return this.members.stream()
			.filter(EtcdClusterMember::isLeader)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No etcd member leads now"));
	}

	/**
	 * Waits until a live member leads and every live member is healthy.
	 * @param timeout the bound on the wait
	 * @throws IllegalStateException when the cluster did not recover in time
	 */
	public void awaitLeader(Duration timeout) {
		boolean led = Poll.until(timeout, Duration.ofMillis(50),
				() -> this.members.stream().anyMatch(EtcdClusterMember::isLeader) && this.members.stream()
					.filter(EtcdClusterMember::isRunning)
					.allMatch(EtcdClusterMember::isHealthy));
		if (!led) {
			throw new IllegalStateException("etcd cluster " + endpoints() + " has no healthy leader after " + timeout);
		}
	}

	/**
	 * Kills every member; logs and data stay under {@code target/servers}.
	 */
	@Override
	public void close() {
		for (EtcdClusterMember member : this.members) {
			member.close();
		}
	}

}
