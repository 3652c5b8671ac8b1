package io.github.distlock.benchmarks.harness;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shapes of load every contender runs. Threads are spread evenly over the instances;
 * with several keys, thread {@code i} uses key {@code i % keys}.
 */
public enum Scenario {

	/** One thread, one key: the cost of an uncontended acquire and release. */
	SINGLE("1 thread", 1, 1, 1),

	/** Eight threads of one instance on one key: hand-offs inside one application. */
	ONE_KEY("8 threads, 1 key", 8, 1, 1),

	/** Eight threads of one instance on eight keys: parallel uncontended locks. */
	EIGHT_KEYS("8 threads, 8 keys", 8, 8, 1),

	/** Eight threads on one key split over two independent instances. */
	TWO_INSTANCES("8 threads, 1 key, 2 instances", 8, 1, 2),

	/** Eight threads on one key, one per independent instance. */
	EIGHT_INSTANCES("8 threads, 1 key, 8 instances", 8, 1, 8),

	/**
	 * One thread on the local backend, {@code @DistributedLock} against
	 * {@code LockTemplate}: the aspect's own cost.
	 */
	ASPECT("aspect overhead, 1 thread", 1, 1, 1);

	private final String label;

	private final int threads;

	private final int keys;

	private final int instances;

	Scenario(String label, int threads, int keys, int instances) {
		this.label = label;
		this.threads = threads;
		this.keys = keys;
		this.instances = instances;
	}

	/**
	 * The scenario's name in the report.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

	/**
	 * The scenario's name on the command line and in the CSV, for example
	 * {@code eight-keys}.
	 * @return the id
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	public int threads() {
		return this.threads;
	}

	public int keys() {
		return this.keys;
	}

	public int instances() {
		return this.instances;
	}

	/**
	 * The scenario with the given {@link #id()}.
	 * @param id the id
	 * @return the scenario
	 */
	public static Scenario ofId(String id) {
		return Arrays.stream(values())
			.filter((scenario) -> scenario.id().equals(id.strip()))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown scenario '" + id + "' in benchmark.scenarios: use "
					+ Arrays.stream(values()).map(Scenario::id).toList()));
	}

}
