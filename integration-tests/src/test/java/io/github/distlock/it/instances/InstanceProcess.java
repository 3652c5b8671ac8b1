package io.github.distlock.it.instances;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.github.distlock.it.servers.RedisServer;

import static org.awaitility.Awaitility.await;

/**
 * An application instance in a JVM of its own, started from the test classpath, so that a
 * test can {@code kill -9} it or pause it with {@code SIGSTOP}. Its standard output is
 * collected line by line; it is killed when closed.
 */
public final class InstanceProcess implements AutoCloseable {

	private final Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final Thread reader;

	private InstanceProcess(Process process) {
		this.process = process;
		this.reader = new Thread(this::read, "instance-" + process.pid() + "-output");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Starts {@code mainClass} on {@code redis} with the given extra arguments.
	 */
	public static InstanceProcess start(Class<?> mainClass, RedisServer redis, String keyPrefix, String... args)
			throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass.getName());
		for (String property : Instances.properties(redis.host(), redis.port(), keyPrefix)) {
			command.add("--" + property);
		}
		command.addAll(List.of(args));
		return new InstanceProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public long pid() {
		return this.process.pid();
	}

	/**
	 * Waits up to {@code timeout} for an output line that {@code matches}, failing with
	 * the output so far when none comes.
	 * @return the first such line
	 */
	public String awaitLine(Duration timeout, Predicate<String> matches) {
		await().atMost(timeout)
			.alias("a matching line from instance " + pid() + "; its output: " + this.lines)
			.until(() -> firstLine(matches).isPresent());
		return firstLine(matches).orElseThrow();
	}

	/**
	 * The first output line so far that {@code matches}.
	 */
	public Optional<String> firstLine(Predicate<String> matches) {
		return this.lines.stream().filter(matches).findFirst();
	}

	/**
	 * The output lines so far.
	 */
	public List<String> lines() {
		return List.copyOf(this.lines);
	}

	/**
	 * {@code kill -9}: the instance stops at once, without releasing anything. Returns
	 * once everything it wrote has been read.
	 */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(10, TimeUnit.SECONDS);
		this.reader.join(10_000);
	}

	/**
	 * Sends {@code SIGSTOP} ({@code true}) or {@code SIGCONT} ({@code false}).
	 */
	public void pause(boolean stop) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(pid())).inheritIO().start();
		if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
			throw new IllegalStateException("kill " + (stop ? "-STOP " : "-CONT ") + pid() + " failed");
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

	private void read() {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = output.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
	}

}
