package io.github.distlock.it.servers;

import java.nio.file.Path;
import java.util.List;

/**
 * A real {@code redis-server} (Debian bookworm, 7.0.x) on {@code 127.0.0.1}.
 *
 * <p>
 * Started with
 * {@code --port P --bind 127.0.0.1 --save "" --appendonly no --daemonize no}, then the
 * extra args of {@link ServerOptions#args()}, which therefore win over these defaults.
 * Because nothing is persisted, {@link #restart()} and {@link #kill()} lose every key
 * (unless the extra args turn persistence on): that is intended, it is what a lock held
 * in a crashed non-persistent Redis looks like.
 *
 * <p>
 * Ready means it answers {@code PING} (a {@code -NOAUTH} error counts, so a server whose
 * default user is disabled by ACL args is ready too).
 */
public final class RedisServer extends ProcessServer {

	RedisServer(ServerOptions options, boolean shared) {
		super(ServerKind.REDIS, options, shared, 1);
	}

	@Override
	List<String> command(Path binary, int[] ports, Path dataDir) {
		List<String> base = List.of(binary.toString(), "--port", Integer.toString(ports[0]), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--daemonize", "no",
				// Names this run's target folder in the command line (see the orphan
				// sweep).
				"--dir", dataDir.toString());
		return concat(base, options().args());
	}

	@Override
	boolean answers() {
		String reply = Probes.redisPing(port());
		return reply != null && (reply.equals("+PONG") || reply.startsWith("-NOAUTH"));
	}

	/**
	 * Returns a Redis URI for clients such as Lettuce.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String uri() {
		return "redis://" + host() + ":" + port();
	}

}
