package io.github.distlock.it.failover;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The failover case every clustered backend passes: two application instances with two
 * contenders each work on one key (see {@link FailoverRun}); the cluster member that
 * leads (for Redis Cluster: the master of the key's slot) is killed while the lock is
 * held and contended, then started again. Waits outlast the election, so no error may
 * reach a caller; the counter stays exact, tokens never go backwards, and every overlap
 * is preceded by a loss signal at the old holder. The recovery after each fault is
 * measured and printed ({@code FAILOVER ...}), never asserted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterFailoverTests {

	/** Writes made in each phase: before the kill, after it, after the restart. */
	private static final int WRITES_PER_PHASE = 20;

	/**
	 * A leader about to be killed, and the way to start it again.
	 *
	 * @param kill kills it, returning once it is gone
	 * @param restart starts it again, returning once it answers
	 */
	record Leader(Runnable kill, Runnable restart) {
	}

	private AutoCloseable cluster;

	/**
	 * Starts the cluster, once for the class.
	 */
	abstract AutoCloseable startCluster();

	@BeforeAll
	void start() {
		this.cluster = startCluster();
	}

	@AfterAll
	void stop() throws Exception {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	/**
	 * The lock's key, one per backend.
	 */
	final String key() {
		return "failover:" + getClass().getSimpleName();
	}

	/**
	 * The lock's ttl; the wait time is 30 s, longer than any election here.
	 */
	Duration ttl() {
		return Duration.ofSeconds(3);
	}

	/**
	 * An application instance's builder, pointed at the whole cluster.
	 */
	abstract SpringApplicationBuilder application();

	/**
	 * The member that leads now.
	 */
	abstract Leader leader();

	/**
	 * Waits, bounded, until the cluster has a leader again without the killed member.
	 */
	abstract void awaitRecovered();

	@Test
	void contendersKeepWorkingWhenTheLeaderIsKilledAndRestarted() throws Exception {
		LockOptions options = LockOptions.ttl(ttl()).withWaitTime(Duration.ofSeconds(30));
		try (ConfigurableApplicationContext first = application().run();
				ConfigurableApplicationContext second = application().run()) {
			FailoverRun run = new FailoverRun(key(), options,
					List.of(first.getBean(LockTemplate.class), second.getBean(LockTemplate.class)), 2)
				.start()
				.awaitWrites(WRITES_PER_PHASE, Duration.ofSeconds(30));
			Leader leader = leader();
			run.inject("kill of the leader", leader.kill()).awaitWrites(WRITES_PER_PHASE, Duration.ofSeconds(60));
			awaitRecovered();
			run.inject("restart of the killed leader", leader.restart())
				.awaitWrites(WRITES_PER_PHASE, Duration.ofSeconds(60))
				.finish();
		}
	}

}
