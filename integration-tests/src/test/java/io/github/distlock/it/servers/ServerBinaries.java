package io.github.distlock.it.servers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Finds the server binaries that {@code integration-tests/servers/install.sh} installed,
 * without running the script: it reads the manifest {@code servers.properties} the script
 * writes into {@code ${DISTLOCK_SERVERS_HOME:-$HOME/.cache/distlock-servers}}.
 *
 * <p>
 * Overrides, mostly for machines laid out differently: the system property
 * {@code distlock.servers.home} replaces the folder, and
 * {@code distlock.servers.<kind id>} (for example
 * {@code -Ddistlock.servers.etcd-3.5=/opt/etcd/etcd}) points at one binary directly.
 *
 * <p>
 * A missing binary raises {@link IllegalStateException}, which JUnit reports as a
 * failure: the suite must never pass by silently skipping the real servers.
 */
public final class ServerBinaries {

	/** The command that installs everything; quoted in failure messages. */
	public static final String INSTALL_COMMAND = "integration-tests/servers/install.sh";

	private ServerBinaries() {
	}

	/**
	 * Returns the folder install.sh installs into, honouring the same environment
	 * variable.
	 * @return the cache folder (may not exist)
	 */
	public static Path home() {
		String property = System.getProperty("distlock.servers.home");
		if (property != null && !property.isBlank()) {
			return Path.of(property);
		}
		String env = System.getenv("DISTLOCK_SERVERS_HOME");
		if (env != null && !env.isBlank()) {
			return Path.of(env);
		}
		return Path.of(System.getProperty("user.home"), ".cache", "distlock-servers");
	}

	/**
	 * Returns the executable for the given kind.
	 * @param kind a process kind (not {@link ServerKind#ZOOKEEPER})
	 * @return an existing executable file
	 * @throws IllegalStateException if it is not installed, with a message saying how to
	 * install it
	 */
	public static Path binary(ServerKind kind) {
		if (!kind.isProcess()) {
			throw new IllegalArgumentException(kind + " runs in-process and has no binary");
		}
		String override = System.getProperty("distlock.servers." + kind.id());
		if (override != null && !override.isBlank()) {
			return requireExecutable(kind, Path.of(override), "system property distlock.servers." + kind.id());
		}
		Properties manifest = manifest();
		String listed = manifest.getProperty(kind.id());
		if (listed != null && !listed.isBlank()) {
			return requireExecutable(kind, Path.of(listed), manifestPath().toString());
		}
		if (kind == ServerKind.REDIS) {
			// redis-server comes from apt, so it is found on PATH even before the
			// manifest exists.
			Path fromPath = onPath("redis-server");
			if (fromPath != null) {
				return fromPath;
			}
		}
		throw missing(kind, Files.isRegularFile(manifestPath()) ? "no entry '" + kind.id() + "' in " + manifestPath()
				: manifestPath() + " does not exist");
	}

	static Path manifestPath() {
		return home().resolve("servers.properties");
	}

	private static Properties manifest() {
		Properties properties = new Properties();
		Path path = manifestPath();
		if (Files.isRegularFile(path)) {
			try (InputStream in = Files.newInputStream(path)) {
				properties.load(in);
			}
			catch (IOException e) {
				throw new IllegalStateException("Cannot read " + path + "; re-run " + INSTALL_COMMAND, e);
			}
		}
		return properties;
	}

	private static Path requireExecutable(ServerKind kind, Path path, String source) {
		if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
			throw missing(kind, path + " (from " + source + ") is not an executable file");
		}
		return path;
	}

	private static Path onPath(String name) {
		String pathEnv = System.getenv("PATH");
		if (pathEnv == null) {
			return null;
		}
		for (String dir : pathEnv.split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(dir, name);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static IllegalStateException missing(ServerKind kind, String detail) {
		return new IllegalStateException("The " + kind.id() + " server binary is not installed: " + detail + ". Run "
				+ INSTALL_COMMAND + " (as root, on Debian bookworm) from the repository root first.");
	}

}
