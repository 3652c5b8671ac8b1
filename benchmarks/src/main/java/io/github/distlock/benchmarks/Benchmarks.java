package io.github.distlock.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.distlock.benchmarks.harness.Contender;
import io.github.distlock.benchmarks.harness.Result;
import io.github.distlock.benchmarks.harness.Scenario;
import io.github.distlock.benchmarks.harness.ScenarioRunner;
import io.github.distlock.benchmarks.harness.ServerCpu;
import io.github.distlock.benchmarks.harness.Settings;

/**
 * The benchmark's entry point (see {@code benchmarks/README.md}). For each backend named
 * on the command line it starts the server, runs the peers in their own JVM on it, then
 * distlock and the backend's floor in this one, through the same scenarios
 * ({@link Scenario}); on {@code local} it also measures the aspect's overhead. It writes
 * {@code target/results.csv} and {@code target/results.md} and prints the Markdown. It
 * runs in a JVM of its own ({@link OwnJvm}).
 */
public final class Benchmarks {

	/** The scenarios distlock, the floors and the peers run. */
	private static final List<Scenario> LOCK_SCENARIOS = List.of(Scenario.SINGLE, Scenario.ONE_KEY, Scenario.EIGHT_KEYS,
			Scenario.TWO_INSTANCES, Scenario.EIGHT_INSTANCES);

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		if (!OwnJvm.isThisOne()) {
			System.exit(OwnJvm.run(Benchmarks.class, args));
		}
		List<String> names = (args.length > 0) ? List.of(args) : List.of("local");
		Settings settings = Settings.fromSystemProperties();
		String loadAtStart = Report.loadAverage();
		PeerProcess peers = new PeerProcess(Path.of(System.getProperty("benchmark.peers.jar", "")),
				Path.of(System.getProperty("benchmark.peers.classpath", "")));
		List<Result> results = new ArrayList<>();
		List<String> notes = new ArrayList<>();
		for (String name : names) {
			try (BenchmarkTarget target = target(name)) {
				ScenarioRunner runner = new ScenarioRunner(name, settings, new ServerCpu(target.serverPids()));
				Optional<String> endpoint = target.peerEndpoint();
				if (endpoint.isPresent() && !peers.available()) {
					notes.add(name + ": " + peers.unavailableReason());
				}
				else if (endpoint.isPresent()) {
					try {
						results.addAll(peers.run(target, endpoint.get(), settings));
					}
					catch (IOException | RuntimeException ex) {
						// The rest of the run still measures distlock and the floor.
						notes.add(name + ": the peers' JVM failed: " + ex.getMessage());
						System.err.println("The peers' JVM failed on " + name + ": " + ex);
					}
				}
				System.out.println("== " + name + ": distlock and the floor ==");
				Contender distlock = Contenders.distlock(target);
				Scenario last = LOCK_SCENARIOS.get(LOCK_SCENARIOS.size() - 1);
				String[] evidence = { "" };
				results.addAll(runner.runAll(List.of(distlock, Contenders.floor(target)), LOCK_SCENARIOS,
						(contender, scenario, result) -> {
							// Read before the floor runs: it counts the server's work
							// since
							// distlock's clients of this run were made.
							if (contender == distlock && scenario == last && result.succeeded()) {
								evidence[0] = pollingEvidence(target);
							}
						}));
				if (!evidence[0].isEmpty()) {
					notes.add(name + ", distlock's last scenario: " + evidence[0]);
				}
				if (name.equals("local")) {
					results.addAll(runner.runAll(AspectOverhead.contenders(), List.of(Scenario.ASPECT)));
				}
				if (target.serverPids().isEmpty()) {
					notes.add(name + ": the server runs inside the client's JVM, so server CPU is not separable");
				}
			}
		}
		Report report = new Report(results, settings, notes, names, loadAtStart);
		Path directory = outputDirectory();
		report.write(directory);
		System.out.println();
		System.out.println(report.markdown());
		System.out.println("Written: " + directory.resolve("results.csv").toAbsolutePath() + " and results.md");
		System.exit(0);
	}

	/**
	 * Where results go: {@code benchmarks/target} under Maven.
	 */
	static Path outputDirectory() {
		return Path.of(System.getProperty("benchmark.output", "target"));
	}

	private static String pollingEvidence(BenchmarkTarget target) {
		try {
			return target.pollingEvidence();
		}
		catch (Exception ex) {
			return "could not be read: " + ex;
		}
	}

	private static BenchmarkTarget target(String name) throws Exception {
		return switch (name) {
			case "local" -> new LocalTarget();
			case "redis" -> new RedisTarget();
			case "etcd" -> new EtcdTarget();
			case "zookeeper" -> new ZooKeeperTarget();
			case "consul" -> new ConsulTarget();
			default -> throw new IllegalArgumentException(
					"Unknown benchmark target '" + name + "': use local, redis, etcd, zookeeper or consul");
		};
	}

}
