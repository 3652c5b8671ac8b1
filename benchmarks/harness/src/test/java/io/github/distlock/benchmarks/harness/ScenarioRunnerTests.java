package io.github.distlock.benchmarks.harness;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import io.github.distlock.benchmarks.harness.Contender.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ScenarioRunnerTests {

	private final Settings settings = new Settings(Duration.ofMillis(200), Duration.ofMillis(50),
			EnumSet.allOf(Scenario.class), List.of());

	private final ScenarioRunner runner = new ScenarioRunner("test", this.settings, new ServerCpu(List.of()));

	@Test
	void aCorrectLockLosesNoUpdateAndEveryThreadCounts() {
		Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
		Contender contender = new Contender("ReentrantLock", Role.FLOOR, "in-JVM", () -> LockClient.of((key) -> {
			ReentrantLock lock = locks.computeIfAbsent(key, (k) -> new ReentrantLock());
			lock.lock();
			return lock::unlock;
		}, () -> {
		}));
		Result result = this.runner.run(contender, Scenario.TWO_INSTANCES);
		assertThat(result.error()).isEmpty();
		assertThat(result.ops()).isPositive();
		assertThat(result.lostUpdates()).isZero();
		assertThat(result.fairness()).isBetween(0.0, 1.0);
		assertThat(result.serverCpuMicrosPerOp()).as("no server process given").isNaN();
		assertThat(locks.keySet()).as("one key, named after contender and scenario")
			.containsExactlyInAnyOrder("reentrantlock-two-instances-warmup-0", "reentrantlock-two-instances-0");
	}

	@Test
	void aLockThatFailsGivesAFailedResultInsteadOfAbortingTheRun() {
		Contender contender = new Contender("broken", Role.PEER, "always fails", () -> LockClient.of((key) -> {
			throw new IllegalStateException("server gone");
		}, () -> {
		}));
		Result result = this.runner.run(contender, Scenario.SINGLE);
		assertThat(result.succeeded()).isFalse();
		assertThat(result.error()).contains("server gone");
	}

	@Test
	void aTryLockIsRetriedUntilItSucceeds() throws Exception {
		AtomicInteger attempts = new AtomicInteger();
		AtomicInteger releases = new AtomicInteger();
		TryLock busyTwice = (key) -> (attempts.incrementAndGet() < 3) ? Optional.empty()
				: Optional.of(releases::incrementAndGet);
		busyTwice.acquireRetrying("key").release();
		assertThat(attempts).hasValue(3);
		assertThat(releases).hasValue(1);
	}

	@Test
	void roundsAlternateTheContendersOrderAndTheBestRoundCounts() {
		Settings twoRounds = new Settings(Duration.ofMillis(100), Duration.ofMillis(20), EnumSet.of(Scenario.SINGLE),
				List.of(), 2);
		ScenarioRunner rounds = new ScenarioRunner("test", twoRounds, new ServerCpu(List.of()));
		List<String> order = new CopyOnWriteArrayList<>();
		Contender first = new Contender("first", Role.FLOOR, "in-JVM", () -> LockClient.of((key) -> () -> {
		}, () -> {
		}));
		Contender second = new Contender("second", Role.PEER, "in-JVM", () -> LockClient.of((key) -> () -> {
		}, () -> {
		}));
		List<Result> results = rounds.runAll(List.of(first, second), List.of(Scenario.SINGLE),
				(contender, scenario, result) -> order.add(contender.name()));
		assertThat(order).containsExactly("first", "second", "second", "first");
		assertThat(results).extracting(Result::contender).containsExactly("first", "second");
	}

}
