package io.github.distlock.it.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One agent of a {@link ConsulCluster} (Consul 1.8.x, not in {@code -dev} mode): a server
 * ({@code -server -bootstrap-expect 3}) or the client agent that applications talk to.
 * Ports: HTTP, serf LAN, serf WAN, server RPC. Raft runs at {@code raft_multiplier = 1}
 * (production's recommendation; the default 5 is for small machines), so a dead leader is
 * replaced within a second or two. Its data directory survives {@link #kill()} and
 * {@link #restart()}, so a restarted server rejoins with its raft log.
 */
public final class ConsulClusterAgent extends ProcessServer {

	private final String node;

	private final boolean server;

	private final List<String> joins;

	private final int serverPort;

	ConsulClusterAgent(String node, boolean server, List<String> joins, int serverPort) {
		super(ServerKind.CONSUL, ServerOptions.defaults(), false, 4);
		this.node = node;
		this.server = server;
		this.joins = joins;
		this.serverPort = serverPort;
	}

	@Override
	List<String> command(Path binary, int[] ports, Path dataDir) throws IOException {
		Path config = dataDir.resolve("cluster.hcl");
		Files.writeString(config, "performance { raft_multiplier = 1 }\n");
		List<String> command = new ArrayList<>(List.of(binary.toString(), "agent", "-node", this.node, "-bind",
				"127.0.0.1", "-client", "127.0.0.1", "-http-port", Integer.toString(ports[0]), "-serf-lan-port",
				Integer.toString(ports[1]), "-serf-wan-port", Integer.toString(ports[2]), "-server-port",
				Integer.toString(ports[3]), "-dns-port", "-1", "-grpc-port", "-1", "-data-dir",
				dataDir.resolve("consul").toString(), "-config-file", config.toString(), "-retry-interval", "1s"));
		if (this.server) {
			command.addAll(List.of("-server", "-bootstrap-expect", "3"));
		}
		for (String join : this.joins) {
			command.add("-retry-join");
			command.add(join);
		}
		return command;
	}

	/** Answers once its HTTP API does; a leader needs the quorum. */
	@Override
	boolean answers() {
		return Probes.httpGet(httpUrl() + "/v1/agent/self") != null;
	}

	/**
	 * Returns the address of the leader this agent knows.
	 * @return {@code 127.0.0.1:<server port>}, or {@code null} when it knows none
	 */
	public String knownLeader() {
		String leader = isRunning() ? Probes.httpGet(httpUrl() + "/v1/status/leader") : null;
		if (leader == null) {
			return null;
		}
		String address = leader.strip().replace("\"", "");
		return address.isEmpty() ? null : address;
	}

	/**
	 * Returns the address this server's raft is reached at.
	 * @return {@code 127.0.0.1:<server port>}
	 */
	String serverAddress() {
		return host() + ":" + this.serverPort;
	}

	/**
	 * Returns the HTTP API base URL.
	 * @return {@code http://127.0.0.1:<http port>}
	 */
	public String httpUrl() {
		return "http://" + host() + ":" + port();
	}

}
