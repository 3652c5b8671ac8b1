package io.github.distlock.it.servers;

import java.nio.file.Path;
import java.util.List;

/**
 * A real single-member etcd cluster (3.5.x or 3.4.x, see {@link EtcdVersion}) on
 * {@code 127.0.0.1}.
 *
 * <p>
 * Client and peer URLs are free loopback ports; the data directory is under
 * {@code target/servers/} and survives {@link #kill()} and {@link #restart()}, so keys,
 * leases (with their remaining TTL) and users/roles persist, and
 * {@code --initial-cluster-state} is irrelevant after the first start. Authentication is
 * off; tests enable it through the auth API.
 *
 * <p>
 * Raft timing is ten times faster than etcd's defaults ({@code --heartbeat-interval 25
 * --election-timeout 250}) so that (re)starts take a fraction of a second; this also
 * lowers the minimum lease TTL etcd enforces from 1.5 s to 375 ms. Extra args come last
 * and can override it.
 *
 * <p>
 * Ready means {@code GET /health} reports {@code "health":"true"}, i.e. a leader is
 * elected and a linearizable read works.
 */
public final class EtcdServer extends ProcessServer {

	EtcdServer(ServerKind kind, ServerOptions options, boolean shared) {
		super(kind, options, shared, 2);
		if (kind != ServerKind.ETCD_3_5 && kind != ServerKind.ETCD_3_4) {
			throw new IllegalArgumentException("not an etcd kind: " + kind);
		}
	}

	@Override
	List<String> command(Path binary, int[] ports, Path dataDir) {
		String client = "http://127.0.0.1:" + ports[0];
		String peer = "http://127.0.0.1:" + ports[1];
		List<String> base = List.of(binary.toString(), "--name", "default", "--data-dir",
				dataDir.resolve("etcd").toString(), "--listen-client-urls", client, "--advertise-client-urls", client,
				"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster",
				"default=" + peer, "--initial-cluster-state", "new",
				// A lone member still waits one election timeout (1-2 s by default)
				// before it leads,
				// at every start; a tenth of that makes (re)starts quick. Side effect
				// worth knowing:
				// the minimum lease TTL (1.5 election timeouts) drops from 1.5 s to 375
				// ms.
				"--heartbeat-interval", "25", "--election-timeout", "250",
				// 3.4 defaults to the deprecated capnslog logger; zap gives both versions
				// the same log format.
				"--logger", "zap", "--log-outputs", "stderr");
		return concat(base, options().args());
	}

	@Override
	boolean answers() {
		String body = Probes.httpGet(endpoint() + "/health");
		return body != null && body.replace(" ", "").contains("\"health\":\"true\"");
	}

	/**
	 * Returns the client URL, e.g. for {@code Client.builder().endpoints(...)} or the
	 * JSON gateway.
	 * @return {@code http://127.0.0.1:<client port>}
	 */
	public String endpoint() {
		return "http://" + host() + ":" + port();
	}

}
