package io.github.distlock.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One contender's measured run of one scenario on one backend. Latencies are of a whole
 * acquire + critical section + release, waiting included. A run that failed has
 * {@code error} set and zeros elsewhere.
 *
 * @param backend the backend's name
 * @param scenario the scenario
 * @param contender the contender's name
 * @param role the contender's role
 * @param note how the contender was used
 * @param ops acquisitions measured
 * @param seconds measured wall time
 * @param p50Micros median latency
 * @param p99Micros 99th percentile latency
 * @param p999Micros 99.9th percentile latency
 * @param clientCpuMicrosPerOp CPU time of the client JVM per acquisition
 * @param serverCpuMicrosPerOp CPU time of the server processes per acquisition; NaN when
 * the server is not a process of its own
 * @param lostUpdates increments of the critical section's non-atomic counters that were
 * lost (two holders at once)
 * @param fairness fewest acquisitions of a thread divided by the most
 * @param error why the run failed, or empty
 */
public record Result(String backend, Scenario scenario, String contender, Contender.Role role, String note, long ops,
		double seconds, double p50Micros, double p99Micros, double p999Micros, double clientCpuMicrosPerOp,
		double serverCpuMicrosPerOp, long lostUpdates, double fairness, String error) {

	/** The CSV header, matching {@link #toCsv()}. */
	public static final String CSV_HEADER = "backend,scenario,contender,role,ops_per_s,p50_us,p99_us,p999_us,"
			+ "client_cpu_us_per_op,server_cpu_us_per_op,lost_updates,fairness,ops,seconds,note,error";

	private static final int FIELDS = CSV_HEADER.split(",").length;

	/**
	 * A failed run.
	 * @param backend the backend
	 * @param scenario the scenario
	 * @param contender the contender
	 * @param error what went wrong
	 * @return the result
	 */
	public static Result failed(String backend, Scenario scenario, Contender contender, Throwable error) {
		return new Result(backend, scenario, contender.name(), contender.role(), contender.note(), 0, 0, 0, 0, 0, 0,
				Double.NaN, 0, 0, String.valueOf(error));
	}

	/**
	 * The best of several rounds of one contender in one scenario: the one with the most
	 * acquisitions per second, a failed round only when every round failed.
	 * @param rounds the rounds, at least one
	 * @return the best
	 */
	public static Result best(List<Result> rounds) {
		if (rounds.isEmpty()) {
			throw new IllegalArgumentException("No round to choose from");
		}
		Result best = rounds.get(0);
		for (Result round : rounds) {
			if (round.succeeded() && (!best.succeeded() || round.opsPerSecond() > best.opsPerSecond())) {
				best = round;
			}
		}
		return best;
	}

	/**
	 * Acquisitions per second.
	 * @return ops / seconds
	 */
	public double opsPerSecond() {
		return (this.seconds > 0) ? this.ops / this.seconds : 0;
	}

	/**
	 * Whether the run completed.
	 * @return true when there is no error
	 */
	public boolean succeeded() {
		return this.error.isEmpty();
	}

	/**
	 * The result as one CSV line (no field holds a comma, a quote or a line break).
	 * @return the line
	 */
	public String toCsv() {
		return String.join(",", this.backend, this.scenario.id(), clean(this.contender), this.role.name(),
				number(opsPerSecond()), number(this.p50Micros), number(this.p99Micros), number(this.p999Micros),
				number(this.clientCpuMicrosPerOp), number(this.serverCpuMicrosPerOp), Long.toString(this.lostUpdates),
				String.format(Locale.ROOT, "%.3f", this.fairness), Long.toString(this.ops), number(this.seconds),
				clean(this.note), clean(this.error));
	}

	/**
	 * Reads a line written by {@link #toCsv()}.
	 * @param line the line
	 * @return the result
	 */
	public static Result fromCsv(String line) {
		String[] f = line.split(",", -1);
		if (f.length != FIELDS) {
			throw new IllegalArgumentException("Expected " + FIELDS + " fields (" + CSV_HEADER + "): " + line);
		}
		return new Result(f[0], Scenario.ofId(f[1]), f[2], Contender.Role.valueOf(f[3]), f[14], Long.parseLong(f[12]),
				Double.parseDouble(f[13]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
				Double.parseDouble(f[8]), Double.parseDouble(f[9]), Long.parseLong(f[10]), Double.parseDouble(f[11]),
				f[15]);
	}

	/**
	 * Reads a CSV file's lines, header skipped.
	 * @param lines the lines
	 * @return the results
	 */
	public static List<Result> fromCsv(List<String> lines) {
		List<Result> results = new ArrayList<>();
		for (String line : lines) {
			if (!line.isBlank() && !line.equals(CSV_HEADER)) {
				results.add(fromCsv(line));
			}
		}
		return results;
	}

	private static String number(double value) {
		return Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%.1f", value);
	}

	private static String clean(String text) {
		return text.replace(',', ';').replace('"', '\'').replace('\n', ' ').replace('\r', ' ');
	}

}
