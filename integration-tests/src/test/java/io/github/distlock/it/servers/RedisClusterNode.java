package io.github.distlock.it.servers;

import java.nio.file.Path;
import java.util.List;

/**
 * One member of a {@link RedisCluster}: a {@code redis-server --cluster-enabled yes} with
 * its cluster bus on a second free port and its {@code nodes.conf} in its data directory,
 * so that a {@link #restart()} rejoins the cluster under the same node id (as a replica
 * of whoever was promoted meanwhile). Nothing else is persisted.
 */
public final class RedisClusterNode extends ProcessServer {

	/**
	 * How long a silent master stays in charge: the replica's promotion follows within
	 * about twice this (Redis's default is 15 s).
	 */
	static final int NODE_TIMEOUT_MILLIS = 1000;

	RedisClusterNode() {
		super(ServerKind.REDIS, ServerOptions.defaults(), false, 2);
	}

	@Override
	List<String> command(Path binary, int[] ports, Path dataDir) {
		return List.of(binary.toString(), "--port", Integer.toString(ports[0]), "--bind", "127.0.0.1", "--save", "",
				"--appendonly", "no", "--daemonize", "no", "--dir", dataDir.toString(), "--cluster-enabled", "yes",
				"--cluster-port", Integer.toString(ports[1]), "--cluster-config-file", "nodes.conf",
				"--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS),
				// A replica promotes itself however long it was cut off from its master.
				"--cluster-replica-validity-factor", "0");
	}

	@Override
	boolean answers() {
		return "+PONG".equals(Probes.redisPing(port()));
	}

	/**
	 * Returns the node's address as the cluster announces it.
	 * @return {@code 127.0.0.1:<port>}
	 */
	public String address() {
		return host() + ":" + port();
	}

}
