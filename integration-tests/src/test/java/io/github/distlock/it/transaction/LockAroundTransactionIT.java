package io.github.distlock.it.transaction;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.distlock.DistributedLock;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import io.github.distlock.core.LockListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A locked, transactional read-modify-write on a real embedded database (H2): the lock is
 * released only after the transaction has committed, so concurrent callers never read a
 * stale balance.
 */
@Timeout(120)
class LockAroundTransactionIT {

	private static final int THREADS = 2;

	private static final int DEPOSITS_PER_THREAD = 40;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				TransactionAutoConfiguration.class, AopAutoConfiguration.class, DistlockAutoConfiguration.class,
				LocalLockAutoConfiguration.class))
		.withPropertyValues("distlock.backend=local", "spring.datasource.generate-unique-name=true")
		.withUserConfiguration(Bank.class);

	@Test
	void noDepositIsLostAndEveryReleaseFollowsItsCommit() {
		this.runner.run((context) -> {
			Accounts accounts = context.getBean(Accounts.class);
			Timeline timeline = context.getBean(Timeline.class);
			depositConcurrently(accounts);
			assertThat(accounts.balance(1)).isEqualTo(THREADS * DEPOSITS_PER_THREAD);
			assertThat(timeline.events).hasSize(2 * THREADS * DEPOSITS_PER_THREAD);
			for (int i = 0; i < timeline.events.size(); i += 2) {
				assertThat(timeline.events.subList(i, i + 2)).as("event pair %d", i / 2)
					.containsExactly("committed", "released");
			}
		});
	}

	@Test
	void aLockInsideTheTransactionIsReleasedBeforeTheCommit() {
		// The control experiment: ordered the wrong way round, the release precedes the
		// commit, which is
		// what lets a waiting caller read the balance before the holder's update is
		// visible.
		this.runner.withPropertyValues("distlock.aspect-order=20")
			.withUserConfiguration(EarlyTransactions.class)
			.run((context) -> {
				context.getBean(Accounts.class).deposit(1, 1);
				assertThat(context.getBean(Timeline.class).events).containsExactly("released", "committed");
			});
	}

	private static void depositConcurrently(Accounts accounts) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				futures.add(pool.submit(() -> {
					for (int i = 0; i < DEPOSITS_PER_THREAD; i++) {
						accounts.deposit(1, 1);
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Bank {

		@Bean
		Timeline timeline() {
			return new Timeline();
		}

		@Bean
		Accounts accounts(JdbcTemplate jdbc, Timeline timeline) {
			jdbc.execute("create table account (id bigint primary key, balance int not null)");
			jdbc.update("insert into account (id, balance) values (1, 0)");
			return new Accounts(jdbc, timeline);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement(order = 10)
	static class EarlyTransactions {

	}

	/** Records commits and lock releases in the order they happen. */
	static class Timeline implements LockListener {

		final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public void released(LockInfo lock, boolean lost, long holdNanos) {
			this.events.add("released");
		}

	}

	static class Accounts {

		private final JdbcTemplate jdbc;

		private final Timeline timeline;

		Accounts(JdbcTemplate jdbc, Timeline timeline) {
			this.jdbc = jdbc;
			this.timeline = timeline;
		}

		@DistributedLock(key = "'account:' + #id", waitTime = "30s")
		@Transactional
		public void deposit(long id, int amount) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					Accounts.this.timeline.events.add("committed");
				}
			});
			// Deliberately a read-modify-write: without the lock around the transaction,
			// deposits get lost.
			Integer balance = this.jdbc.queryForObject("select balance from account where id = ?", Integer.class, id);
			Thread.yield();
			this.jdbc.update("update account set balance = ? where id = ?", balance + amount, id);
		}

		public int balance(long id) {
			return this.jdbc.queryForObject("select balance from account where id = ?", Integer.class, id);
		}

	}

}
