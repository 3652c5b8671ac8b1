package io.github.distlock.it.servers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Immutable start-up options of a server started by {@link Servers} or
 * {@link RealServersExtension}.
 *
 * <ul>
 * <li>{@link #withArgs(String...) args} are appended verbatim to the server's command
 * line, one array element per {@code argv} entry, exactly as a shell would split them.
 * Redis example: {@code withArgs("--user", "alice", "on", ">secret", "~*", "+@all")}
 * (Redis quotes each argument on its own, so an ACL rule list must not be passed as one
 * string).</li>
 * <li>{@link #withConfig(String) config} is written to a file passed with
 * {@code -config-file}; only Consul supports it. HCL unless the text starts with
 * <code>{</code> (then JSON), e.g.
 * <code>acl { enabled = true, default_policy = "deny", tokens { master = "root" } }</code>.</li>
 * <li>{@link #startupTimeout() startupTimeout} bounds the wait until the server answers
 * its readiness probe: 30 seconds.</li>
 * </ul>
 *
 * <p>
 * ZooKeeper accepts neither args nor config; asking for them is an error rather than
 * being silently ignored.
 */
public final class ServerOptions {

	private static final ServerOptions DEFAULTS = new ServerOptions(List.of(), null, Duration.ofSeconds(30));

	private final List<String> args;

	private final String config;

	private final Duration startupTimeout;

	private ServerOptions(List<String> args, String config, Duration startupTimeout) {
		this.args = args;
		this.config = config;
		this.startupTimeout = startupTimeout;
	}

	/**
	 * Returns the options with no extra arguments, no extra config and a 30 second
	 * start-up timeout.
	 * @return the default options
	 */
	public static ServerOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns a copy with {@code moreArgs} appended to the extra command-line arguments.
	 * @param moreArgs arguments, each one {@code argv} entry; an empty string is passed
	 * as an empty argument
	 * @return the new options
	 */
	public ServerOptions withArgs(String... moreArgs) {
		List<String> all = new ArrayList<>(args);
		for (String arg : moreArgs) {
			all.add(Objects.requireNonNull(arg, "arg"));
		}
		return new ServerOptions(Collections.unmodifiableList(all), config, startupTimeout);
	}

	/**
	 * Returns a copy with the given extra configuration file content (Consul only).
	 * @param text HCL, or JSON when it starts with <code>{</code>; {@code null} or blank
	 * for none
	 * @return the new options
	 */
	public ServerOptions withConfig(String text) {
		return new ServerOptions(args, text == null || text.isBlank() ? null : text, startupTimeout);
	}

	/**
	 * Returns the extra command-line arguments.
	 * @return an unmodifiable list, possibly empty
	 */
	public List<String> args() {
		return args;
	}

	/**
	 * Returns the extra configuration file content, if any.
	 * @return the text, or {@code null}
	 */
	public String config() {
		return config;
	}

	/**
	 * Returns the bound on the wait for readiness.
	 * @return the timeout
	 */
	public Duration startupTimeout() {
		return startupTimeout;
	}

	@Override
	public String toString() {
		return "ServerOptions[args=" + args + ", config=" + (config == null ? "none" : config.length() + " chars")
				+ ", startupTimeout=" + startupTimeout + "]";
	}

}
