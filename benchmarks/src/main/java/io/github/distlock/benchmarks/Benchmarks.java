package io.github.distlock.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.spi.LockBackend;
import org.HdrHistogram.Histogram;

/**
 * A plain benchmark harness (HdrHistogram, no JMH: the interesting costs are network
 * round trips, far above JIT noise). For each backend named on the command line it
 * measures, in one run:
 * <ol>
 * <li>single-thread acquire+release latency through distlock versus the raw client floor,
 * interleaved in rounds so drift hits both alike, the ratio of their means and medians,
 * and each side's acquire+release per second and client (this JVM's) CPU time per
 * acquire+release;</li>
 * <li>8 threads on one key, split over two distlock instances (as two application
 * instances): acquisitions per second and the p99 wait.</li>
 * </ol>
 * Run:
 * {@code mvn -B -q -pl benchmarks -am package -DskipTests && mvn -B -q -pl benchmarks exec:java
 * -Dbenchmark.args="redis etcd"}.
 */
public final class Benchmarks {

	private static final int ROUNDS = 10;

	private static final int OPS_PER_ROUND = 500;

	private static final int WARMUP_OPS = 2000;

	private static final Duration CONTENDED_DURATION = Duration.ofSeconds(10);

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		List<String> names = (args.length > 0) ? List.of(args) : List.of("local");
		for (String name : names) {
			try (BenchmarkTarget target = target(name)) {
				singleThread(target);
				contended(target, 8);
			}
		}
		System.exit(0);
	}

	/**
	 * The target named {@code name}: class {@code <Name>Target} in this package, so
	 * adding a backend touches no shared file.
	 */
	private static BenchmarkTarget target(String name) throws Exception {
		String className = Benchmarks.class.getPackageName() + "." + Character.toUpperCase(name.charAt(0))
				+ name.substring(1) + "Target";
		try {
			return (BenchmarkTarget) Class.forName(className).getDeclaredConstructor().newInstance();
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalArgumentException("Unknown benchmark target '" + name + "': no class " + className, ex);
		}
	}

	static void singleThread(BenchmarkTarget target) throws Exception {
		try (LockBackend backend = target.newBackend();
				DefaultLockTemplate manager = new DefaultLockTemplate(backend, LockSettings.defaults(), List.of())) {
			LockOptions options = LockOptions.ttl(Duration.ofSeconds(30));
			String floorKey = "bench:floor";
			String lockKey = "bench:lock";
			for (int i = 0; i < WARMUP_OPS; i++) {
				target.floorAcquireRelease(floorKey);
				manager.acquire(lockKey, options).release();
			}
			Histogram floor = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
			Histogram distlock = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
			// Wall and process CPU time of each side's rounds: this JVM is the client
			// alone (the server is
			// another process), so its CPU time per op is the client stack's cost.
			long[] floorTotals = new long[2];
			long[] distlockTotals = new long[2];
			for (int round = 0; round < ROUNDS; round++) {
				long wall = System.nanoTime();
				long cpu = processCpuNanos();
				for (int i = 0; i < OPS_PER_ROUND; i++) {
					long start = System.nanoTime();
					target.floorAcquireRelease(floorKey);
					floor.recordValue(System.nanoTime() - start);
				}
				floorTotals[0] += System.nanoTime() - wall;
				floorTotals[1] += processCpuNanos() - cpu;
				wall = System.nanoTime();
				cpu = processCpuNanos();
				for (int i = 0; i < OPS_PER_ROUND; i++) {
					long start = System.nanoTime();
					manager.acquire(lockKey, options).release();
					distlock.recordValue(System.nanoTime() - start);
				}
				distlockTotals[0] += System.nanoTime() - wall;
				distlockTotals[1] += processCpuNanos() - cpu;
			}
			System.out.printf("%n== %s: single thread, acquire+release, %d ops each ==%n", target.name(),
					ROUNDS * OPS_PER_ROUND);
			System.out.println("floor    (" + target.floorDescription() + "): " + summary(floor));
			System.out.println("distlock: " + summary(distlock));
			System.out.printf("ratio distlock/floor: mean %.3f, p50 %.3f%n", distlock.getMean() / floor.getMean(),
					(double) distlock.getValueAtPercentile(50) / floor.getValueAtPercentile(50));
			int ops = ROUNDS * OPS_PER_ROUND;
			double floorRate = ops / (floorTotals[0] / 1e9);
			double distlockRate = ops / (distlockTotals[0] / 1e9);
			double floorCpu = floorTotals[1] / 1e3 / ops;
			double distlockCpu = distlockTotals[1] / 1e3 / ops;
			System.out.printf(
					"throughput: floor %.0f ops/s, distlock %.0f ops/s (%.2fx); client CPU per op: floor "
							+ "%.0fus, distlock %.0fus (%.2fx)%n",
					floorRate, distlockRate, distlockRate / floorRate, floorCpu, distlockCpu, distlockCpu / floorCpu);
		}
	}

	static void contended(BenchmarkTarget target, int threads) throws Exception {
		List<LockBackend> backends = List.of(target.newBackend(), target.newBackend());
		List<DefaultLockTemplate> instances = backends.stream()
			.map((backend) -> new DefaultLockTemplate(backend, LockSettings.defaults(), List.of()))
			.toList();
		Histogram waits = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		AtomicLong acquisitions = new AtomicLong();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		long endAt = System.nanoTime() + CONTENDED_DURATION.toNanos();
		LockOptions options = LockOptions.ttl(Duration.ofSeconds(30)).withWaitTime(Duration.ofSeconds(30));
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			DefaultLockTemplate manager = instances.get(t % instances.size());
			futures.add(pool.submit(() -> {
				start.await();
				while (System.nanoTime() < endAt) {
					long begin = System.nanoTime();
					Lease lease = manager.acquire("bench:contended", options);
					long waited = System.nanoTime() - begin;
					synchronized (waits) {
						waits.recordValue(waited);
					}
					acquisitions.incrementAndGet();
					lease.release();
				}
				return null;
			}));
		}
		long begin = System.nanoTime();
		start.countDown();
		for (Future<?> future : futures) {
			future.get(CONTENDED_DURATION.toSeconds() + 60, TimeUnit.SECONDS);
		}
		double seconds = (System.nanoTime() - begin) / 1e9;
		pool.shutdownNow();
		instances.forEach(DefaultLockTemplate::close);
		backends.forEach(LockBackend::close);
		System.out.printf("== %s: %d threads on one key over 2 instances, %.1fs ==%n", target.name(), threads, seconds);
		System.out.printf("acquisitions/s: %.0f, wait: %s%n", acquisitions.get() / seconds, summary(waits));
		String evidence = target.pollingEvidence();
		if (!evidence.isEmpty()) {
			System.out.println("polling evidence: " + evidence);
		}
	}

	/**
	 * CPU time of all threads of this JVM, including the HTTP clients' own and the JIT's
	 * and GC's.
	 */
	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static String summary(Histogram histogram) {
		return String.format("mean %.1fus, p50 %.1fus, p99 %.1fus, max %.1fus", histogram.getMean() / 1e3,
				histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
				histogram.getMaxValue() / 1e3);
	}

}
