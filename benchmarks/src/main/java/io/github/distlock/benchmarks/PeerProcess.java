package io.github.distlock.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.distlock.benchmarks.harness.Result;
import io.github.distlock.benchmarks.harness.Scenario;
import io.github.distlock.benchmarks.harness.Settings;

/**
 * Runs the peer libraries in their own JVM ({@code benchmarks/peers}, built by
 * {@code -Ppeers}) against this run's server, and reads back the CSV it writes. The peers
 * need client libraries whose versions conflict with distlock's Spring Boot stack, so
 * they cannot share this class path.
 */
final class PeerProcess {

	private final Path jar;

	private final Path classPathFile;

	/**
	 * @param jar the peers' jar
	 * @param classPathFile the file listing the jars of its class path, one line
	 */
	PeerProcess(Path jar, Path classPathFile) {
		this.jar = jar;
		this.classPathFile = classPathFile;
	}

	/**
	 * Whether the peers' module was built (with {@code -Ppeers}).
	 */
	boolean available() {
		return Files.isRegularFile(classPathFile()) && Files.isRegularFile(jar());
	}

	String unavailableReason() {
		return "peers not built: add -Ppeers to the command (benchmarks/README.md); looked for " + classPathFile();
	}

	/**
	 * Runs the peers of {@code target}'s backend and returns their results.
	 */
	List<Result> run(BenchmarkTarget target, String endpoint, Settings settings)
			throws IOException, InterruptedException {
		Path csv = Files.createTempFile("distlock-peers-" + target.name(), ".csv");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(settings.asJvmArguments());
		command.add("-Dbenchmark.server.pids="
				+ target.serverPids().stream().map(String::valueOf).collect(Collectors.joining(",")));
		command.add("-cp");
		command.add(jar() + File.pathSeparator + Files.readString(classPathFile(), StandardCharsets.UTF_8).strip());
		command.add("io.github.distlock.benchmarks.peers.Peers");
		command.add(target.name());
		command.add(endpoint);
		command.add(csv.toString());
		System.out.println("== " + target.name() + ": peers in their own JVM ==");
		Process process = new ProcessBuilder(command).inheritIO().start();
		try {
			if (!process.waitFor(timeoutSeconds(settings), TimeUnit.SECONDS)) {
				throw new IllegalStateException("The peers' JVM did not finish in " + timeoutSeconds(settings) + " s");
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("The peers' JVM exited with " + process.exitValue());
			}
			return Result.fromCsv(Files.readAllLines(csv, StandardCharsets.UTF_8));
		}
		finally {
			process.destroyForcibly();
			Files.deleteIfExists(csv);
		}
	}

	/** Generous: every peer through every scenario, plus start-up and slow hand-offs. */
	private static long timeoutSeconds(Settings settings) {
		long perRun = settings.measure().plus(settings.warmup()).toSeconds() + 30;
		return 120 + 5L * Scenario.values().length * perRun * settings.rounds();
	}

	private Path classPathFile() {
		return this.classPathFile;
	}

	private Path jar() {
		return this.jar;
	}

}
