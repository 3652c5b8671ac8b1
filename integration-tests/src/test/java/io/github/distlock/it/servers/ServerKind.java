package io.github.distlock.it.servers;

/**
 * The kinds of real server the integration tests can start.
 *
 * <p>
 * {@link #id()} is used in log and data file names under
 * {@code integration-tests/target/servers/} and, for the kinds installed by
 * {@code integration-tests/servers/install.sh}, as the key of the binary in the install
 * manifest.
 */
public enum ServerKind {

	/** {@code redis-server} from Debian bookworm (7.0.x). */
	REDIS("redis"),

	/** etcd 3.5.x, taken from Debian trixie's {@code etcd-server} package. */
	ETCD_3_5("etcd-3.5"),

	/** etcd 3.4.x, taken from Debian bookworm's {@code etcd-server} package. */
	ETCD_3_4("etcd-3.4"),

	/**
	 * Consul 1.8.x in {@code -dev} mode, taken from Debian bullseye's {@code consul}
	 * package.
	 */
	CONSUL("consul"),

	/**
	 * ZooKeeper, run in-process by curator-test's {@code TestingServer}; nothing to
	 * install.
	 */
	ZOOKEEPER("zookeeper");

	private final String id;

	ServerKind(String id) {
		this.id = id;
	}

	/**
	 * Returns the short, file-name safe identifier of this kind, e.g. {@code etcd-3.5}.
	 * @return the identifier
	 */
	public String id() {
		return id;
	}

	/**
	 * Returns whether servers of this kind run as a separate operating-system process,
	 * which is what makes {@code SIGSTOP}/{@code SIGKILL} based fault injection possible.
	 * @return {@code true} for every kind but {@link #ZOOKEEPER}
	 */
	public boolean isProcess() {
		return this != ZOOKEEPER;
	}

}
