package io.github.distlock.it.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.distlock.DistributedLock;
import io.github.distlock.DistributedLocks;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.it.instances.Instances;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on a real Redis transfer money between the same two accounts in opposite
 * directions, each transfer locking both accounts with
 * {@code @DistributedLock(keys = ...)} and updating the balances with a non-atomic
 * read-then-write in Redis. Taken in one global order, the locks never deadlock (every
 * transfer succeeds well within its wait time), and no update is lost: the balances come
 * out exact and the total is conserved.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(90)
class RedisMultiKeyTransferIT {

	private static final int THREADS = 3;

	private static final int TRANSFERS = 25;

	private final ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS);

	@AfterEach
	void stopPool() {
		this.pool.shutdownNow();
	}

	@Test
	void oppositeTransfersOnTwoInstancesFinishAndConserveTheTotal(RedisServer redis) throws Exception {
		String prefix = "it-transfer-" + UUID.randomUUID();
		String a = prefix + ":A";
		String b = prefix + ":B";
		try (ConfigurableApplicationContext first = instance(redis, prefix);
				ConfigurableApplicationContext second = instance(redis, prefix)) {
			StringRedisTemplate redisData = first.getBean(StringRedisTemplate.class);
			redisData.opsForValue().set(a, "1000");
			redisData.opsForValue().set(b, "1000");
			Ledger forward = first.getBean(Ledger.class);
			Ledger backward = second.getBean(Ledger.class);
			List<Future<?>> work = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				work.add(this.pool.submit(() -> repeat(() -> forward.transfer(a, b, 2))));
				work.add(this.pool.submit(() -> repeat(() -> backward.transfer(b, a, 1))));
			}
			for (Future<?> each : work) {
				each.get(60, TimeUnit.SECONDS);
			}
			int moved = THREADS * TRANSFERS;
			assertThat(redisData.opsForValue().get(a)).isEqualTo(Integer.toString(1000 - 2 * moved + moved));
			assertThat(redisData.opsForValue().get(b)).isEqualTo(Integer.toString(1000 + 2 * moved - moved));
		}
	}

	private static void repeat(Runnable transfer) {
		for (int i = 0; i < TRANSFERS; i++) {
			transfer.run();
		}
	}

	private static ConfigurableApplicationContext instance(RedisServer redis, String prefix) {
		return Instances.on(redis, prefix, TransferApplication.class).run();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class,
			DistlockAutoConfiguration.class })
	static class TransferApplication {

		@Bean
		Ledger ledger(StringRedisTemplate redis) {
			return new Ledger(redis);
		}

	}

	static class Ledger {

		private final StringRedisTemplate redis;

		Ledger(StringRedisTemplate redis) {
			this.redis = redis;
		}

		@DistributedLock(keys = { "'acct:' + #from", "'acct:' + #to" }, ttl = "10s", waitTime = "${transfer.wait:20s}")
		public void transfer(String from, String to, int amount) {
			assertThat(DistributedLocks.currentLease("acct:" + from)).isPresent();
			int source = Integer.parseInt(this.redis.opsForValue().get(from));
			int target = Integer.parseInt(this.redis.opsForValue().get(to));
			this.redis.opsForValue().set(from, Integer.toString(source - amount));
			this.redis.opsForValue().set(to, Integer.toString(target + amount));
		}

	}

}
