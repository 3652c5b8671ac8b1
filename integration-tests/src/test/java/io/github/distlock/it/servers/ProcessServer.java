package io.github.distlock.it.servers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Base of the servers that run as a child process of the test JVM: Redis, etcd and
 * Consul.
 *
 * <p>
 * Every process gets its output in {@code target/servers/<id>-<port>.log} (appended to
 * across restarts), its data under {@code target/servers/<id>-<port>.data/} and its PID
 * in {@code target/servers/<id>-<port>.pid}. It is only ever signalled through its own
 * PID. A JVM shutdown hook kills whatever is still alive, and the first server started in
 * a JVM kills processes left behind by an earlier JVM that died without running its hooks
 * (recognised by their PID file and by their command line naming this run's
 * {@code target/servers} folder).
 *
 * <p>
 * Start-up picks free loopback ports and retries with new ones when the server reports
 * that an address is already in use, since another process can take a port between the
 * probe and the bind.
 */
public abstract class ProcessServer implements RealServer {

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration PROBE_INTERVAL = Duration.ofMillis(25);

	private static final int START_ATTEMPTS = 5;

	private static final int LOG_TAIL_LINES = 40;

	// Keyed by PID and holding only process handles, so the hook never waits on a
	// server's lock.
	private static final Map<Long, ProcessHandle> LIVE = new ConcurrentHashMap<>();

	private static final AtomicBoolean ORPHANS_CLEANED = new AtomicBoolean();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> LIVE.values().forEach(ProcessHandle::destroyForcibly),
					"distlock-servers-shutdown"));
	}

	private final ServerKind kind;

	private final ServerOptions options;

	private final boolean shared;

	private final int portCount;

	private final Path binary;

	private final Path root;

	private int[] ports;

	private Process process;

	private boolean paused;

	private boolean closed;

	ProcessServer(ServerKind kind, ServerOptions options, boolean shared, int portCount) {
		this.kind = kind;
		this.options = options;
		this.shared = shared;
		this.portCount = portCount;
		this.binary = ServerBinaries.binary(kind);
		this.root = ServerFiles.root();
	}

	/**
	 * Returns the server's command line.
	 * @param binary the executable
	 * @param ports the ports to use; {@code ports[0]} is the client port
	 * @param dataDir an existing directory the server may use for its data
	 * @return the command, extra args from the options included
	 * @throws IOException if a config file cannot be written
	 */
	abstract List<String> command(Path binary, int[] ports, Path dataDir) throws IOException;

	/**
	 * Performs one readiness probe, bounded by its own short timeouts.
	 * @return whether the server answered as a working server would
	 */
	abstract boolean answers();

	@Override
	public final synchronized int port() {
		return ports[0];
	}

	/**
	 * Returns the running server process's id, for example to read its CPU time from
	 * {@code /proc}.
	 * @return the PID
	 */
	public final synchronized long pid() {
		requireRunning();
		return process.pid();
	}

	/**
	 * Returns the options the server was started with.
	 * @return the options
	 */
	public final ServerOptions options() {
		return options;
	}

	/**
	 * Returns the file the server's stdout and stderr go to.
	 * @return {@code target/servers/<id>-<port>.log}
	 */
	public final synchronized Path logFile() {
		return file(".log");
	}

	/**
	 * Returns the server's data directory, kept across {@link #kill()} and
	 * {@link #restart()}.
	 * @return {@code target/servers/<id>-<port>.data}
	 */
	public final synchronized Path dataDir() {
		return file(".data");
	}

	@Override
	public final synchronized boolean isRunning() {
		return process != null && process.isAlive();
	}

	/**
	 * Returns whether the server is currently frozen by {@link #pause()}.
	 * @return {@code true} while paused
	 */
	public final synchronized boolean isPaused() {
		return paused && isRunning();
	}

	/**
	 * Starts the server on fresh ports with an empty data directory; called once, by
	 * {@link Servers}.
	 */
	final synchronized void start() {
		cleanOrphansOnce(root);
		IllegalStateException last = null;
		for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
			ports = Ports.reserve(portCount);
			prepareFiles();
			try {
				launchAndAwaitReady();
				return;
			}
			catch (BindConflict conflict) {
				last = conflict;
				Ports.release(ports);
			}
			catch (RuntimeException e) {
				Ports.release(ports);
				throw e;
			}
		}
		throw new IllegalStateException(
				"Gave up starting " + kind.id() + " after " + START_ATTEMPTS + " port conflicts", last);
	}

	/**
	 * Starts the server once on ports its caller reserved with {@link Ports#reserve}
	 * (cluster members must know each other's ports before any of them starts); a port
	 * conflict fails rather than moving the server.
	 */
	final synchronized void startOn(int[] reserved) {
		if (reserved.length != portCount) {
			throw new IllegalArgumentException(kind.id() + " needs " + portCount + " ports");
		}
		cleanOrphansOnce(root);
		ports = reserved.clone();
		prepareFiles();
		launchAndAwaitReady();
	}

	private void prepareFiles() {
		try {
			ServerFiles.deleteRecursively(dataDir());
			Files.createDirectories(dataDir());
			Files.deleteIfExists(logFile());
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot prepare files of " + describe(), e);
		}
	}

	/**
	 * {@inheritDoc}
	 *
	 * <p>
	 * Implemented with {@code kill -STOP <pid>}; returns once the kernel reports the
	 * process as stopped.
	 */
	@Override
	public final synchronized void pause() {
		requireFaultControls("pause");
		requireRunning();
		signal("STOP");
		boolean stopped = Poll.until(SIGNAL_TIMEOUT, Duration.ofMillis(5), () -> processState() == 'T');
		if (!stopped) {
			throw new IllegalStateException(describe() + " did not stop after SIGSTOP (state " + processState() + ")");
		}
		paused = true;
	}

	/**
	 * {@inheritDoc}
	 *
	 * <p>
	 * Implemented with {@code kill -CONT <pid>}.
	 */
	@Override
	public final synchronized void resume() {
		requireFaultControls("resume");
		requireRunning();
		signal("CONT");
		boolean running = Poll.until(SIGNAL_TIMEOUT, Duration.ofMillis(5), () -> processState() != 'T');
		if (!running) {
			throw new IllegalStateException(describe() + " still stopped after SIGCONT");
		}
		paused = false;
	}

	/**
	 * {@inheritDoc}
	 *
	 * <p>
	 * Sends {@code SIGKILL} to the PID (works on a paused process too).
	 */
	@Override
	public final synchronized void kill() {
		requireFaultControls("kill");
		killProcess();
	}

	/**
	 * {@inheritDoc}
	 *
	 * <p>
	 * Runs on the same ports with the same data directory and options. If something else
	 * took one of the ports while the server was down, the restart fails rather than
	 * moving the server.
	 */
	@Override
	public final synchronized void restart() {
		requireFaultControls("restart");
		if (closed) {
			throw new IllegalStateException(describe() + " is closed");
		}
		stopProcess();
		try {
			launchAndAwaitReady();
		}
		catch (BindConflict conflict) {
			throw new IllegalStateException("Cannot restart " + describe() + " on the same ports", conflict);
		}
	}

	/**
	 * {@inheritDoc}
	 *
	 * <p>
	 * Kills the process outright: nothing a test server holds needs a graceful shutdown,
	 * and Consul alone would spend over a second saying goodbye. Logs and data stay under
	 * {@code target/servers} for post-mortems.
	 */
	@Override
	public final void close() {
		if (!shared) {
			shutdown();
		}
	}

	/**
	 * Closes the server regardless of sharing; used by the extension for shared servers.
	 */
	final synchronized void shutdown() {
		if (closed) {
			return;
		}
		closed = true;
		killProcess();
		Ports.release(ports);
	}

	@Override
	public String toString() {
		return describe();
	}

	final synchronized String describe() {
		return kind.id() + (ports == null ? "" : "@127.0.0.1:" + ports[0]) + (shared ? " (shared)" : "");
	}

	private void launchAndAwaitReady() {
		List<String> command;
		try {
			command = command(binary, ports.clone(), dataDir());
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot prepare the command of " + describe(), e);
		}
		Path log = logFile();
		try {
			Files.writeString(log, "### " + Instant.now() + " starting: " + shellQuoted(command) + "\n",
					StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			process = new ProcessBuilder(command).directory(dataDir().toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
		}
		catch (IOException e) {
			throw new IllegalStateException("Cannot start " + binary + "; see " + log, e);
		}
		paused = false;
		LIVE.put(process.pid(), process.toHandle());
		writePidFile(process.pid());

		Process started = process;
		boolean ready = Poll.until(options.startupTimeout(), PROBE_INTERVAL, () -> !started.isAlive() || answers());
		if (ready && started.isAlive()) {
			return;
		}
		String tail = logTail();
		if (!started.isAlive()) {
			forget(started);
			String message = describe() + " exited with code " + started.exitValue() + " while starting; log " + log
					+ ":\n" + tail;
			if (tail.toLowerCase(Locale.ROOT).contains("address already in use")) {
				throw new BindConflict(message);
			}
			throw new IllegalStateException(message);
		}
		killProcess();
		throw new IllegalStateException(
				describe() + " did not answer within " + options.startupTimeout() + "; log " + log + ":\n" + tail);
	}

	private void stopProcess() {
		if (process == null || !process.isAlive()) {
			return;
		}
		if (paused) {
			// A stopped process only acts on SIGTERM once it runs again.
			signal("CONT");
		}
		process.destroy();
		try {
			if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				killProcess();
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			killProcess();
		}
		forget(process);
	}

	private void killProcess() {
		if (process == null) {
			return;
		}
		process.destroyForcibly();
		try {
			if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(describe() + " (pid " + process.pid() + ") survived SIGKILL");
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while killing " + describe(), e);
		}
		forget(process);
	}

	private void forget(Process dead) {
		LIVE.remove(dead.pid());
		paused = false;
		try {
			Files.deleteIfExists(file(".pid"));
		}
		catch (IOException ignored) {
			// a stale PID file is harmless: the orphan sweep checks the command line
			// before killing
		}
	}

	private void signal(String signal) {
		long pid = process.pid();
		try {
			Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true)
				.start();
			if (!kill.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				kill.destroyForcibly();
				throw new IllegalStateException("kill -s " + signal + " " + pid + " hung");
			}
			if (kill.exitValue() != 0) {
				String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				throw new IllegalStateException("kill -s " + signal + " " + pid + " failed: " + out.strip());
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot run kill", e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling " + describe(), e);
		}
	}

	/**
	 * Returns the state letter of {@code /proc/<pid>/stat} ('T' = stopped), or '?' if
	 * unreadable.
	 */
	private char processState() {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
			// The command name in parentheses may contain spaces; the state follows the
			// last ')'.
			return stat.charAt(stat.lastIndexOf(')') + 2);
		}
		catch (IOException | RuntimeException e) {
			return '?';
		}
	}

	private void requireFaultControls(String action) {
		if (shared) {
			throw new IllegalStateException("Cannot " + action + " the shared " + kind.id()
					+ " server: other test classes use it. Ask for a dedicated one (@Dedicated or Servers).");
		}
	}

	private void requireRunning() {
		if (!isRunning()) {
			throw new IllegalStateException(describe() + " is not running");
		}
	}

	private Path file(String suffix) {
		return root.resolve(kind.id() + "-" + ports[0] + suffix);
	}

	private void writePidFile(long pid) {
		try {
			Files.writeString(file(".pid"), pid + "\n");
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot write the PID file of " + describe(), e);
		}
	}

	private String logTail() {
		try {
			List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
		}
		catch (IOException | UncheckedIOException e) {
			return "(log unreadable: " + e + ")";
		}
	}

	/**
	 * Kills servers a previous JVM left running (killed before its shutdown hook could
	 * run). Only a PID whose command line names this {@code target/servers} folder is
	 * touched, so a recycled PID belonging to an unrelated process is left alone.
	 */
	private static void cleanOrphansOnce(Path root) {
		if (!ORPHANS_CLEANED.compareAndSet(false, true)) {
			return;
		}
		List<Path> pidFiles = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(root, "*.pid")) {
			stream.forEach(pidFiles::add);
		}
		catch (IOException e) {
			return;
		}
		for (Path pidFile : pidFiles) {
			try {
				long pid = Long.parseLong(Files.readString(pidFile).strip());
				byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
				String args = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ');
				if (args.contains(root.toString()) && !LIVE.containsKey(pid)) {
					ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
				}
			}
			catch (IOException | RuntimeException ignored) {
				// the process is gone or the file is garbage: nothing to clean
			}
			try {
				Files.deleteIfExists(pidFile);
			}
			catch (IOException ignored) {
				// left for the next sweep
			}
		}
	}

	static List<String> concat(List<String> base, List<String> extra) {
		List<String> all = new ArrayList<>(base);
		all.addAll(extra);
		return all;
	}

	/** Renders a command so that empty and spaced arguments stay visible in the log. */
	private static String shellQuoted(List<String> command) {
		StringBuilder text = new StringBuilder();
		for (String arg : command) {
			if (text.length() > 0) {
				text.append(' ');
			}
			text.append(arg.isEmpty() || arg.matches(".*[\\s\"'$>~*].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
		}
		return text.toString();
	}

	/** The server could not bind one of its ports; start-up retries on new ones. */
	private static final class BindConflict extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		BindConflict(String message) {
			super(message);
		}

	}

}
