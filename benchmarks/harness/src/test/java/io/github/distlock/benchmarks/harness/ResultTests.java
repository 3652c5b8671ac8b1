package io.github.distlock.benchmarks.harness;

import java.util.List;

import io.github.distlock.benchmarks.harness.Contender.Role;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ResultTests {

	@Test
	void csvLineReadsBackAsTheSameFigures() {
		Result result = new Result("redis", Scenario.TWO_INSTANCES, "Redisson RLock (watchdog)", Role.PEER,
				"tryLock(wait, lease)", 1234, 2.5, 10.04, 20.5, 30.0, 40.0, Double.NaN, 3, 0.75, "");
		Result read = Result.fromCsv(List.of(Result.CSV_HEADER, result.toCsv())).get(0);
		assertThat(read.backend()).isEqualTo("redis");
		assertThat(read.scenario()).isEqualTo(Scenario.TWO_INSTANCES);
		assertThat(read.contender()).isEqualTo("Redisson RLock (watchdog)");
		assertThat(read.role()).isEqualTo(Role.PEER);
		assertThat(read.note()).as("commas would split the line").isEqualTo("tryLock(wait; lease)");
		assertThat(read.ops()).isEqualTo(1234);
		assertThat(read.opsPerSecond()).isEqualTo(493.6);
		assertThat(read.p50Micros()).isEqualTo(10.0);
		assertThat(read.serverCpuMicrosPerOp()).isNaN();
		assertThat(read.lostUpdates()).isEqualTo(3);
		assertThat(read.fairness()).isEqualTo(0.75);
		assertThat(read.succeeded()).isTrue();
	}

	@Test
	void lineWithTheWrongNumberOfFieldsNamesTheExpectedHeader() {
		assertThatIllegalArgumentException().isThrownBy(() -> Result.fromCsv("redis,single"))
			.withMessageContaining(Result.CSV_HEADER);
	}

	@Test
	void theBestRoundIsTheFastestThatSucceeded() {
		Result slow = round(1000, "");
		Result fast = round(3000, "");
		Result failed = round(0, "server gone");
		assertThat(Result.best(List.of(failed, slow, fast, slow))).isSameAs(fast);
		assertThat(Result.best(List.of(failed))).as("only failures: a failure").isSameAs(failed);
	}

	private static Result round(long ops, String error) {
		return new Result("redis", Scenario.SINGLE, "distlock", Role.DISTLOCK, "", ops, 1.0, 1, 1, 1, 1, 1, 0, 1,
				error);
	}

}
