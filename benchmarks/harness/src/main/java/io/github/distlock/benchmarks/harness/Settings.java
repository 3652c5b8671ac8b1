package io.github.distlock.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The duration knobs and filters of a run, read from system properties so that the
 * benchmark's JVM can hand them to the peers' JVM unchanged.
 * <ul>
 * <li>{@code benchmark.seconds} (default 5): measured seconds per contender, scenario and
 * round;</li>
 * <li>{@code benchmark.warmup} (default 2): seconds run first on the same instances and
 * discarded;</li>
 * <li>{@code benchmark.rounds} (default 2): how often every contender runs every
 * scenario; the best round counts, and the order of the contenders alternates between
 * rounds;</li>
 * <li>{@code benchmark.scenarios} (default all): comma-separated
 * {@link Scenario#id()}s;</li>
 * <li>{@code benchmark.contenders} (default all): comma-separated words; a contender runs
 * when its name contains one of them, ignoring case.</li>
 * </ul>
 *
 * @param measure measured time per contender and scenario
 * @param warmup discarded time run first
 * @param scenarios the scenarios to run
 * @param contenders the filter on contender names (empty: all)
 * @param rounds how often every contender runs every scenario
 */
public record Settings(Duration measure, Duration warmup, Set<Scenario> scenarios, List<String> contenders,
		int rounds) {

	/**
	 * Settings of one round.
	 * @param measure measured time per contender and scenario
	 * @param warmup discarded time run first
	 * @param scenarios the scenarios to run
	 * @param contenders the filter on contender names (empty: all)
	 */
	public Settings(Duration measure, Duration warmup, Set<Scenario> scenarios, List<String> contenders) {
		this(measure, warmup, scenarios, contenders, 1);
	}

	public Settings {
		if (rounds < 1) {
			throw new IllegalArgumentException(
					"-Dbenchmark.rounds=" + rounds + " runs nothing; write for example -Dbenchmark.rounds=2");
		}
	}

	/**
	 * The settings given by this JVM's system properties.
	 * @return the settings
	 */
	public static Settings fromSystemProperties() {
		String scenarios = System.getProperty("benchmark.scenarios", "").strip();
		Set<Scenario> chosen = EnumSet.allOf(Scenario.class);
		if (!scenarios.isEmpty()) {
			chosen = EnumSet.noneOf(Scenario.class);
			for (String id : scenarios.split(",")) {
				chosen.add(Scenario.ofId(id));
			}
		}
		String contenders = System.getProperty("benchmark.contenders", "").strip();
		List<String> words = contenders.isEmpty() ? List.of()
				: Arrays.stream(contenders.split(",")).map(String::strip).toList();
		return new Settings(seconds("benchmark.seconds", "5"), seconds("benchmark.warmup", "2"), chosen, words,
				roundsProperty());
	}

	private static int roundsProperty() {
		String value = System.getProperty("benchmark.rounds", "2").strip();
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"-Dbenchmark.rounds=" + value + " is not a whole number; write for example -Dbenchmark.rounds=2",
					ex);
		}
	}

	/**
	 * These settings with another number of rounds.
	 * @param count the rounds
	 * @return the settings
	 */
	public Settings withRounds(int count) {
		return new Settings(this.measure, this.warmup, this.scenarios, this.contenders, count);
	}

	private static Duration seconds(String property, String fallback) {
		String value = System.getProperty(property, fallback).strip();
		try {
			return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("-D" + property + "=" + value
					+ " is not a number of seconds; write for example -D" + property + "=2", ex);
		}
	}

	/**
	 * Whether a contender of this name is to run.
	 * @param name the contender's name
	 * @return true when no filter is set or a word of it matches
	 */
	public boolean includes(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		return this.contenders.isEmpty()
				|| this.contenders.stream().anyMatch((word) -> lower.contains(word.toLowerCase(Locale.ROOT)));
	}

	/**
	 * The {@code -D} arguments that give another JVM these settings.
	 * @return the arguments
	 */
	public List<String> asJvmArguments() {
		List<String> args = new ArrayList<>();
		args.add("-Dbenchmark.seconds=" + this.measure.toMillis() / 1000.0);
		args.add("-Dbenchmark.warmup=" + this.warmup.toMillis() / 1000.0);
		args.add("-Dbenchmark.scenarios=" + String.join(",", this.scenarios.stream().map(Scenario::id).toList()));
		args.add("-Dbenchmark.contenders=" + String.join(",", this.contenders));
		args.add("-Dbenchmark.rounds=" + this.rounds);
		return args;
	}

}
