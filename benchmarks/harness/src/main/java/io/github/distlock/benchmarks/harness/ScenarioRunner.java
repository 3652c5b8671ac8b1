package io.github.distlock.benchmarks.harness;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;

/**
 * Runs contenders through scenarios: a warm-up on the scenario's instances, then a
 * measured run on the same instances, each thread locking, incrementing its key's counter
 * non-atomically (a read, then a write) and releasing, in a loop. A counter that ends
 * below the number of acquisitions of its key proves two holders at once.
 *
 * <p>
 * Client CPU is this JVM's process CPU time (every thread: the client library's, the
 * JIT's, the GC's) over the measured run; the servers run in other processes.
 */
public final class ScenarioRunner {

	private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(120);

	private final String backend;

	private final Settings settings;

	private final ServerCpu serverCpu;

	/**
	 * A runner for one backend.
	 * @param backend the backend's name, for the results
	 * @param settings the durations and filters
	 * @param serverCpu the server processes to account for
	 */
	public ScenarioRunner(String backend, Settings settings, ServerCpu serverCpu) {
		this.backend = backend;
		this.settings = settings;
		this.serverCpu = serverCpu;
	}

	/**
	 * Runs every contender the settings include through every scenario they include of
	 * {@code scenarios}, printing each result as it comes. Each scenario runs
	 * {@link Settings#rounds()} rounds in a row, each round every contender once, in the
	 * given order and then in reverse order, so that no contender always runs first (on a
	 * JVM still compiling) or last; the best round of each contender counts.
	 * @param contenders the contenders
	 * @param scenarios the scenarios that apply to them
	 * @return the best result of each contender in each scenario, failed runs included
	 */
	public List<Result> runAll(List<Contender> contenders, List<Scenario> scenarios) {
		return runAll(contenders, scenarios, (contender, scenario, result) -> {
		});
	}

	/**
	 * Like {@link #runAll(List, List)}, telling {@code afterEachRun} about every run as
	 * soon as it ended, before the next contender starts.
	 * @param contenders the contenders
	 * @param scenarios the scenarios that apply to them
	 * @param afterEachRun told of every run, every round
	 * @return the best result of each contender in each scenario, failed runs included
	 */
	public List<Result> runAll(List<Contender> contenders, List<Scenario> scenarios, RunListener afterEachRun) {
		List<Contender> included = contenders.stream()
			.filter((contender) -> this.settings.includes(contender.name()))
			.toList();
		List<Result> results = new ArrayList<>();
		for (Scenario scenario : scenarios) {
			if (!this.settings.scenarios().contains(scenario) || included.isEmpty()) {
				continue;
			}
			List<Result> rounds = new ArrayList<>();
			for (int round = 0; round < this.settings.rounds(); round++) {
				List<Contender> order = new ArrayList<>(included);
				if (round % 2 == 1) {
					Collections.reverse(order);
				}
				for (Contender contender : order) {
					Result result = run(contender, scenario);
					System.out.println(describe(result));
					afterEachRun.ended(contender, scenario, result);
					rounds.add(result);
				}
			}
			for (Contender contender : included) {
				results
					.add(Result.best(rounds.stream().filter((r) -> r.contender().equals(contender.name())).toList()));
			}
		}
		return results;
	}

	/**
	 * Runs one contender through one scenario.
	 * @param contender the contender
	 * @param scenario the scenario
	 * @return the measured result, or a failed one
	 */
	public Result run(Contender contender, Scenario scenario) {
		List<LockClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < scenario.instances(); i++) {
				clients.add(contender.factory().newClient());
			}
			String prefix = contender.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-"
					+ scenario.id();
			run(clients, scenario, prefix + "-warmup", this.settings.warmup().toNanos());
			long cpu = processCpuNanos();
			long server = this.serverCpu.available() ? this.serverCpu.nanos() : 0;
			Run run = run(clients, scenario, prefix, this.settings.measure().toNanos());
			double clientCpu = (processCpuNanos() - cpu) / 1e3 / Math.max(1, run.ops);
			double serverCpuPerOp = this.serverCpu.available()
					? (this.serverCpu.nanos() - server) / 1e3 / Math.max(1, run.ops) : Double.NaN;
			return new Result(this.backend, scenario, contender.name(), contender.role(), contender.note(), run.ops,
					run.seconds, run.latency.getValueAtPercentile(50) / 1e3, run.latency.getValueAtPercentile(99) / 1e3,
					run.latency.getValueAtPercentile(99.9) / 1e3, clientCpu, serverCpuPerOp, run.lostUpdates,
					run.fairness(), "");
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return Result.failed(this.backend, scenario, contender, ex);
		}
		finally {
			for (LockClient client : clients) {
				try {
					client.close();
				}
				catch (Exception ex) {
					System.err.println("Closing a client of " + contender.name() + " failed: " + ex);
				}
			}
		}
	}

	private Run run(List<LockClient> clients, Scenario scenario, String keyPrefix, long nanos) throws Exception {
		int threads = scenario.threads();
		AtomicLongArray counters = new AtomicLongArray(scenario.keys());
		long[][] acquisitions = new long[threads][];
		Histogram[] latencies = new Histogram[threads];
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> futures = new ArrayList<>();
		long[] endAt = new long[1];
		for (int t = 0; t < threads; t++) {
			int thread = t;
			LockClient client = clients.get(t % clients.size());
			int key = t % scenario.keys();
			String name = keyPrefix + "-" + key;
			latencies[t] = new Histogram(MAX_LATENCY_NANOS, 3);
			futures.add(pool.submit(() -> {
				start.await();
				long count = 0;
				Runnable increment = () -> counters.set(key, counters.get(key) + 1);
				while (System.nanoTime() - endAt[0] < 0) {
					long begin = System.nanoTime();
					client.runLocked(name, increment);
					latencies[thread].recordValue(Math.min(System.nanoTime() - begin, MAX_LATENCY_NANOS));
					count++;
				}
				acquisitions[thread] = new long[] { count };
				return null;
			}));
		}
		long begin = System.nanoTime();
		// Written before the latch opens, so every thread sees it.
		endAt[0] = begin + nanos;
		start.countDown();
		try {
			for (Future<?> future : futures) {
				future.get(nanos / 1_000_000 + 90_000, TimeUnit.MILLISECONDS);
			}
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("A thread did not finish within 90 s of the run's end", ex);
		}
		finally {
			pool.shutdownNow();
		}
		double seconds = (System.nanoTime() - begin) / 1e9;
		Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
		long[] perThread = new long[threads];
		long[] perKey = new long[scenario.keys()];
		for (int t = 0; t < threads; t++) {
			latency.add(latencies[t]);
			perThread[t] = acquisitions[t][0];
			perKey[t % scenario.keys()] += perThread[t];
		}
		long lost = 0;
		for (int k = 0; k < perKey.length; k++) {
			lost += perKey[k] - counters.get(k);
		}
		return new Run(latency.getTotalCount(), seconds, latency, perThread, lost);
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/**
	 * One line for the console.
	 * @param result the result
	 * @return the line
	 */
	public static String describe(Result result) {
		if (!result.succeeded()) {
			return String.format(Locale.ROOT, "%-9s | %-30s | %-45s | FAILED: %s", result.backend(),
					result.scenario().label(), result.contender(), result.error());
		}
		return String.format(Locale.ROOT,
				"%-9s | %-30s | %-45s | %8.0f ops/s | p50 %8.0fus p99 %8.0fus p99.9 %8.0fus | client %6.0fus/op "
						+ "server %6.0fus/op | lost %d | fairness %.2f",
				result.backend(), result.scenario().label(), result.contender(), result.opsPerSecond(),
				result.p50Micros(), result.p99Micros(), result.p999Micros(), result.clientCpuMicrosPerOp(),
				result.serverCpuMicrosPerOp(), result.lostUpdates(), result.fairness());
	}

	/**
	 * Told of every run as soon as it ended.
	 */
	@FunctionalInterface
	public interface RunListener {

		/**
		 * One run ended.
		 * @param contender the contender that ran
		 * @param scenario the scenario it ran
		 * @param result its result, perhaps failed
		 */
		void ended(Contender contender, Scenario scenario, Result result);

	}

	private record Run(long ops, double seconds, Histogram latency, long[] perThread, long lostUpdates) {

		double fairness() {
			long min = Long.MAX_VALUE;
			long max = 0;
			for (long count : this.perThread) {
				min = Math.min(min, count);
				max = Math.max(max, count);
			}
			return (max == 0) ? 0 : (double) min / max;
		}

	}

}
