package io.github.distlock.sample;

import java.time.Duration;

import io.github.distlock.DistributedLock;
import io.github.distlock.DistributedLocks;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.NotAcquiredAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A job that every instance schedules but that runs once per period across them: the job
 * lock is tried without waiting and kept for {@code holdAtLeast} even though the job
 * itself takes milliseconds, so the other instances' ticks of the same period find it
 * taken and skip. Each SKU is restocked under its own lock, so reservations wait for it.
 */
@Component
public class RestockJob {

	private static final Logger logger = LoggerFactory.getLogger(RestockJob.class);

	private final LockTemplate locks;

	private final StockService stock;

	private final SampleProperties properties;

	public RestockJob(LockTemplate locks, StockService stock, SampleProperties properties) {
		this.locks = locks;
		this.stock = stock;
		this.properties = properties;
	}

	@Scheduled(fixedRateString = "${sample.restock-interval:60s}",
			initialDelayString = "${sample.restock-interval:60s}")
	@DistributedLock(key = "'job:restock'", name = "restock-job", ttl = "1m", waitTime = "0s",
			onNotAcquired = NotAcquiredAction.SKIP, holdAtLeast = "${sample.restock-hold-at-least:55s}")
	public void restock() {
		LockOptions perSku = LockOptions.ttl(Duration.ofSeconds(10))
			.withWaitTime(Duration.ofSeconds(2))
			.withName("restock");
		for (String sku : this.stock.skus()) {
			this.locks.execute("sku:" + sku, perSku, () -> this.stock.restock(sku, this.properties.getInitialStock()));
		}
		logger.info("Restocked under fencing token {}", DistributedLocks.assertHeld().fencingToken());
	}

}
