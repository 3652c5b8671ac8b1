package io.github.distlock.aop;

import java.time.Duration;
import java.util.List;

import io.github.distlock.DistributedLock;
import io.github.distlock.DistributedLocks;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.NotAcquiredAction;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code keys} locks every key for the call and binds each key's lease;
 * {@code holdAtLeast} keeps a lock whose method returned early, so that the next
 * {@code SKIP} call within that time is skipped.
 */
@Timeout(30)
class KeysAndHoldAtLeastTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class))
		.withPropertyValues("distlock.backend=local")
		.withBean(Accounts.class)
		.withBean(Job.class);

	@Test
	void aMethodWithKeysHoldsEveryKeyAndSeesEachToken() {
		this.runner.run((context) -> {
			Accounts accounts = context.getBean(Accounts.class);
			List<Long> tokens = accounts.transfer("A", "B");
			assertThat(tokens).hasSize(2).allSatisfy((token) -> assertThat(token).isPositive());
			LockTemplate locks = context.getBean(LockTemplate.class);
			assertThat(locks.tryAcquire("acct:A", LockOptions.defaults())).as("released after the call")
				.isPresent()
				.get()
				.satisfies((lease) -> lease.release());
		});
	}

	@Test
	void aSkippingJobWithHoldAtLeastRunsOnceWithinThatTime() {
		this.runner.run((context) -> {
			Job job = context.getBean(Job.class);
			assertThat(job.run()).isEqualTo("ran");
			assertThat(job.run()).as("the lock is still held after the first run returned").isNull();
			await().atMost(Duration.ofSeconds(10)).until(() -> "ran".equals(job.run()));
		});
	}

	static class Accounts {

		@DistributedLock(keys = { "'acct:' + #from", "'acct:' + #to" }, waitTime = "2s")
		public List<Long> transfer(String from, String to) {
			return List.of(DistributedLocks.currentLease("acct:" + from).orElseThrow().fencingToken(),
					DistributedLocks.currentLease("acct:" + to).orElseThrow().fencingToken());
		}

	}

	static class Job {

		@DistributedLock(waitTime = "0s", onNotAcquired = NotAcquiredAction.SKIP, holdAtLeast = "500ms")
		public String run() {
			return "ran";
		}

	}

}
