package io.github.distlock.benchmarks.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.distlock.benchmarks.harness.Contender;
import io.github.distlock.benchmarks.harness.Result;
import io.github.distlock.benchmarks.harness.Scenario;
import io.github.distlock.benchmarks.harness.ScenarioRunner;
import io.github.distlock.benchmarks.harness.ServerCpu;
import io.github.distlock.benchmarks.harness.Settings;

/**
 * The peers' JVM: runs the peer libraries of one backend through the benchmark's
 * scenarios on a server the benchmark started, and writes the results as CSV. Launched by
 * the benchmark; by hand:
 * {@code java -cp <jar>:<target/peers.classpath> io.github.distlock.benchmarks.peers.Peers
 * redis redis://127.0.0.1:6379 results.csv}, with the {@link Settings} system properties
 * and {@code -Dbenchmark.server.pids=<pid,...>} for server CPU.
 */
public final class Peers {

	/** The scenarios every peer runs. */
	static final List<Scenario> SCENARIOS = List.of(Scenario.SINGLE, Scenario.ONE_KEY, Scenario.EIGHT_KEYS,
			Scenario.TWO_INSTANCES, Scenario.EIGHT_INSTANCES);

	private Peers() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 3) {
			throw new IllegalArgumentException("Usage: Peers <redis|zookeeper|etcd> <endpoint> <results.csv>");
		}
		String backend = args[0];
		List<Contender> contenders = switch (backend) {
			case "redis" -> RedisPeers.contenders(args[1]);
			case "zookeeper" -> ZooKeeperPeers.contenders(args[1]);
			case "etcd" -> EtcdPeers.contenders(args[1]);
			default -> List.of();
		};
		ScenarioRunner runner = new ScenarioRunner(backend, Settings.fromSystemProperties(), new ServerCpu(pids()));
		List<Result> results = runner.runAll(contenders, SCENARIOS);
		List<String> lines = new ArrayList<>();
		lines.add(Result.CSV_HEADER);
		results.forEach((result) -> lines.add(result.toCsv()));
		Files.write(Path.of(args[2]), lines);
		// Client libraries leave non-daemon threads behind.
		System.exit(0);
	}

	private static List<Long> pids() {
		String pids = System.getProperty("benchmark.server.pids", "").strip();
		return pids.isEmpty() ? List.of() : Arrays.stream(pids.split(",")).map(Long::parseLong).toList();
	}

}
