package io.github.distlock.it.servers;

import java.nio.file.Path;
import java.util.List;

/**
 * One member of an {@link EtcdCluster} (etcd 3.5): its client and peer ports were
 * reserved with its peers' before any of them started. Its data directory survives
 * {@link #kill()} and {@link #restart()}, so a restarted member rejoins with its log.
 */
public final class EtcdClusterMember extends ProcessServer {

	private final String name;

	private final String initialCluster;

	EtcdClusterMember(String name, String initialCluster) {
		super(ServerKind.ETCD_3_5, ServerOptions.defaults(), false, 2);
		this.name = name;
		this.initialCluster = initialCluster;
	}

	@Override
	List<String> command(Path binary, int[] ports, Path dataDir) {
		String client = "http://127.0.0.1:" + ports[0];
		String peer = "http://127.0.0.1:" + ports[1];
		return List.of(binary.toString(), "--name", this.name, "--data-dir", dataDir.resolve("etcd").toString(),
				"--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
				"--initial-advertise-peer-urls", peer, "--initial-cluster", this.initialCluster,
				"--initial-cluster-state", "new", "--initial-cluster-token", "distlock-failover",
				// A fifth of etcd's defaults (100 ms / 1 s): a dead leader is replaced
				// within about a second, yet a loaded 2-core machine does not trigger
				// elections of its own.
				"--heartbeat-interval", "50", "--election-timeout", "500", "--logger", "zap", "--log-outputs",
				"stderr");
	}

	/**
	 * Answers once the member serves HTTP; a member without quorum has no leader yet, so
	 * {@code /health} would wait for its peers.
	 */
	@Override
	boolean answers() {
		return Probes.httpGet(endpoint() + "/version") != null;
	}

	/**
	 * Returns whether this member leads the cluster now.
	 * @return {@code true} when its metrics say {@code etcd_server_is_leader 1}
	 */
	public boolean isLeader() {
		String metrics = isRunning() ? Probes.httpGet(endpoint() + "/metrics") : null;
		return metrics != null && metrics.contains("\netcd_server_is_leader 1");
	}

	/**
	 * Returns whether this member has a leader and serves linearizable reads.
	 * @return {@code true} when {@code /health} says so
	 */
	public boolean isHealthy() {
		String body = isRunning() ? Probes.httpGet(endpoint() + "/health") : null;
		return body != null && body.replace(" ", "").contains("\"health\":\"true\"");
	}

	/**
	 * Returns the client URL.
	 * @return {@code http://127.0.0.1:<client port>}
	 */
	public String endpoint() {
		return "http://" + host() + ":" + port();
	}

}
