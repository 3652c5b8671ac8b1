package io.github.distlock.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.github.distlock.benchmarks.harness.Contender.Role;
import io.github.distlock.benchmarks.harness.Result;
import io.github.distlock.benchmarks.harness.Scenario;
import io.github.distlock.benchmarks.harness.Settings;

/**
 * Writes a run's results as {@code results.csv} (every contender, every scenario) and
 * {@code results.md}: a summary of distlock against the floor and the best peer per
 * backend and scenario with their ratios, then every result, then the notes.
 */
final class Report {

	private final List<Result> results;

	private final Settings settings;

	private final List<String> notes;

	private final List<String> backends;

	private final String loadAtStart;

	/**
	 * @param results every result of the run
	 * @param settings the run's settings
	 * @param notes the backends' notes (evidence, what is missing)
	 * @param backends the backends as given on the command line
	 * @param loadAtStart the load average when the run started, to show how quiet the
	 * machine was
	 */
	Report(List<Result> results, Settings settings, List<String> notes, List<String> backends, String loadAtStart) {
		this.results = List.copyOf(results);
		this.settings = settings;
		this.notes = List.copyOf(notes);
		this.backends = List.copyOf(backends);
		this.loadAtStart = loadAtStart;
	}

	/**
	 * The load average now, from {@code /proc/loadavg}.
	 */
	static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	/**
	 * The command that repeats this run.
	 */
	String command() {
		List<String> properties = this.settings.asJvmArguments()
			.stream()
			.filter((argument) -> !argument.endsWith("="))
			.filter((argument) -> !argument.startsWith("-Dbenchmark.scenarios=")
					|| this.settings.scenarios().size() < Scenario.values().length)
			.toList();
		return "mvn -B -q -Ppeers -pl benchmarks -am package exec:java -DskipTests -Dbenchmark.args=\""
				+ String.join(" ", this.backends) + "\" " + String.join(" ", properties);
	}

	void write(Path directory) throws IOException {
		Files.createDirectories(directory);
		List<String> csv = new ArrayList<>();
		csv.add(Result.CSV_HEADER);
		this.results.forEach((result) -> csv.add(result.toCsv()));
		Files.write(directory.resolve("results.csv"), csv, StandardCharsets.UTF_8);
		Files.writeString(directory.resolve("results.md"), markdown(), StandardCharsets.UTF_8);
	}

	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("# distlock benchmark\n\n");
		md.append(String.format(Locale.ROOT,
				"Run %s on %d cores, Java %s; %s s measured after %s s of warm-up per contender and scenario, "
						+ "best of %d rounds (the contenders' order alternating), each JVM of its own. "
						+ "Ops/s with client CPU µs per op in brackets; latency is acquire + critical section + "
						+ "release, waiting included.%n%n",
				Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), seconds(this.settings.measure().toMillis()),
				seconds(this.settings.warmup().toMillis()), this.settings.rounds()));
		md.append(String.format(Locale.ROOT, "Load average at the start: %s. Command: `%s`%n%n", this.loadAtStart,
				command()));
		if (this.settings.measure().toSeconds() < 3) {
			md.append("**A smoke run (under 3 s per measurement): it shows that every part works, not how fast "
					+ "anything is.**\n\n");
		}
		md.append("## distlock against the floor and the best peer\n\n");
		md.append("| backend | scenario | distlock | floor | best peer | distlock ÷ floor | distlock ÷ best peer "
				+ "| distlock p99 µs | distlock fairness | lost updates (distlock / floor / peers) |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|\n");
		for (String backend : backends()) {
			for (Scenario scenario : Scenario.values()) {
				summaryRow(md, backend, scenario);
			}
		}
		md.append("\n## Every result\n\n");
		md.append("| backend | scenario | contender | ops/s | p50 µs | p99 µs | p99.9 µs | client CPU µs/op "
				+ "| server CPU µs/op | lost updates | fairness | note |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (Result r : this.results) {
			if (!r.succeeded()) {
				md.append(String.format(Locale.ROOT, "| %s | %s | %s | failed | | | | | | | | %s |%n", r.backend(),
						r.scenario().label(), r.contender(), r.error().replace('|', '/')));
				continue;
			}
			md.append(String.format(Locale.ROOT,
					"| %s | %s | %s | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %s | %d | %.2f | %s |%n", r.backend(),
					r.scenario().label(), r.contender(), r.opsPerSecond(), r.p50Micros(), r.p99Micros(), r.p999Micros(),
					r.clientCpuMicrosPerOp(), serverCpu(r), r.lostUpdates(), r.fairness(), r.note()));
		}
		md.append("\n## Notes\n\n");
		md.append("- Floors and try-only peers (ShedLock) retry every 1 ms while the lock is busy.\n");
		md.append("- Server CPU is read from /proc for the server processes; `n/a` where the server runs in the "
				+ "client's JVM (local).\n");
		md.append("- Fairness is the fewest acquisitions of a thread divided by the most. Best peer: the peer with "
				+ "the most ops/s in that scenario.\n");
		this.notes.forEach((note) -> md.append("- ").append(note).append('\n'));
		return md.toString();
	}

	private void summaryRow(StringBuilder md, String backend, Scenario scenario) {
		List<Result> rows = this.results.stream()
			.filter((r) -> r.backend().equals(backend) && r.scenario() == scenario && r.succeeded())
			.toList();
		if (rows.isEmpty()) {
			return;
		}
		Optional<Result> distlock;
		Optional<Result> floor;
		if (scenario == Scenario.ASPECT) {
			distlock = rows.stream().filter((r) -> r.contender().contains("@DistributedLock")).findFirst();
			floor = rows.stream().filter((r) -> r.contender().contains("LockTemplate")).findFirst();
		}
		else {
			distlock = rows.stream().filter((r) -> r.role() == Role.DISTLOCK).findFirst();
			floor = rows.stream().filter((r) -> r.role() == Role.FLOOR).findFirst();
		}
		Optional<Result> peer = rows.stream()
			.filter((r) -> r.role() == Role.PEER)
			.max(Comparator.comparingDouble(Result::opsPerSecond));
		String lost = lost(distlock) + " / " + lost(floor) + " / "
				+ rows.stream().filter((r) -> r.role() == Role.PEER).mapToLong(Result::lostUpdates).sum();
		md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", backend,
				scenario.label(), cell(distlock, false), cell(floor, scenario == Scenario.ASPECT), cell(peer, true),
				ratio(distlock, floor), ratio(distlock, peer),
				distlock.map((r) -> String.format(Locale.ROOT, "%,.0f", r.p99Micros())).orElse(""),
				distlock.map((r) -> String.format(Locale.ROOT, "%.2f", r.fairness())).orElse(""), lost));
	}

	private Set<String> backends() {
		Set<String> backends = new LinkedHashSet<>();
		this.results.forEach((r) -> backends.add(r.backend()));
		return backends;
	}

	private static String cell(Optional<Result> result, boolean named) {
		return result
			.map((r) -> (named ? r.contender().replaceFirst("^floor: .*", "") + " " : "")
					+ String.format(Locale.ROOT, "%,.0f [%,.0f]", r.opsPerSecond(), r.clientCpuMicrosPerOp()))
			.map(String::strip)
			.orElse("none");
	}

	private static String ratio(Optional<Result> distlock, Optional<Result> other) {
		if (distlock.isEmpty() || other.isEmpty() || other.get().opsPerSecond() == 0) {
			return "";
		}
		return String.format(Locale.ROOT, "%.2f", distlock.get().opsPerSecond() / other.get().opsPerSecond());
	}

	private static String lost(Optional<Result> result) {
		return result.map((r) -> Long.toString(r.lostUpdates())).orElse("-");
	}

	private static String serverCpu(Result result) {
		return Double.isNaN(result.serverCpuMicrosPerOp()) ? "n/a"
				: String.format(Locale.ROOT, "%,.0f", result.serverCpuMicrosPerOp());
	}

	private static String seconds(long millis) {
		return (millis % 1000 == 0) ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.1f", millis / 1e3);
	}

}
