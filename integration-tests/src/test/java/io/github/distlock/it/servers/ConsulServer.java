package io.github.distlock.it.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Consul 1.8.x agent in {@code -dev} mode (a single server that elects itself) on
 * {@code 127.0.0.1}.
 *
 * <p>
 * HTTP, serf LAN/WAN and server RPC get free ports; DNS and gRPC are disabled
 * ({@code -1}) since nothing uses them. {@link ServerOptions#config()} is written next to
 * the data and passed with {@code -config-file} (HCL, or JSON when it starts with
 * <code>{</code>), e.g. for ACLs: <pre>
 * acl { enabled = true, default_policy = "deny", tokens { master = "root-token" } }
 * </pre> Consul 1.8 calls the bootstrap token {@code master} (later versions:
 * {@code initial_management}).
 *
 * <p>
 * Dev mode keeps all state in memory: after {@link #kill()} or {@link #restart()} the KV
 * store, sessions and any ACL tokens created through the API are gone (the config file's
 * master token comes back). That is the "Consul lost its state" scenario; a test needing
 * durable state must not restart.
 *
 * <p>
 * Ready means {@code GET /v1/status/leader} names a leader.
 */
public final class ConsulServer extends ProcessServer {

	ConsulServer(ServerOptions options, boolean shared) {
		super(ServerKind.CONSUL, options, shared, 4);
	}

	@Override
	List<String> command(Path binary, int[] ports, Path dataDir) throws IOException {
		List<String> command = new ArrayList<>(
				List.of(binary.toString(), "agent", "-dev", "-node", "distlock-" + ports[0], "-bind", "127.0.0.1",
						"-client", "127.0.0.1", "-http-port", Integer.toString(ports[0]), "-serf-lan-port",
						Integer.toString(ports[1]), "-serf-wan-port", Integer.toString(ports[2]), "-server-port",
						Integer.toString(ports[3]), "-dns-port", "-1", "-grpc-port", "-1",
						// Dev mode keeps raft in memory; the folder only holds the node
						// id (stable across
						// restarts) and names this run's target folder in the command
						// line.
						"-data-dir", dataDir.resolve("consul").toString()));
		String config = options().config();
		if (config != null) {
			Path file = dataDir.resolve(config.stripLeading().startsWith("{") ? "extra.json" : "extra.hcl");
			Files.writeString(file, config);
			command.add("-config-file");
			command.add(file.toString());
		}
		command.addAll(options().args());
		return command;
	}

	@Override
	boolean answers() {
		String leader = Probes.httpGet(httpUrl() + "/v1/status/leader");
		return leader != null && !leader.isBlank() && !leader.strip().equals("\"\"");
	}

	/**
	 * Returns the HTTP API base URL.
	 * @return {@code http://127.0.0.1:<http port>}
	 */
	public String httpUrl() {
		return "http://" + host() + ":" + port();
	}

	/**
	 * Returns the HTTP API port (same as {@link #port()}).
	 * @return the port
	 */
	public int httpPort() {
		return port();
	}

}
