package io.github.distlock.sample;

import java.time.Duration;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A job that every instance schedules but only one runs at a time, through
 * {@link LockTemplate}: it takes the job lock without waiting, then each SKU's lock while
 * it restocks that SKU.
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

	@Scheduled(fixedDelayString = "${sample.restock-interval:60s}",
			initialDelayString = "${sample.restock-interval:60s}")
	public void restock() {
		LockOptions job = LockOptions.ttl(Duration.ofMinutes(1)).withName("restock-job");
		this.locks.tryAcquire("job:restock", job)
			.ifPresentOrElse(this::restockAll, () -> logger.info("Another instance is restocking"));
	}

	private void restockAll(Lease jobLease) {
		try (jobLease) {
			LockOptions perSku = LockOptions.ttl(Duration.ofSeconds(10))
				.withWaitTime(Duration.ofSeconds(2))
				.withName("restock");
			for (String sku : this.stock.skus()) {
				this.locks.execute("sku:" + sku, perSku,
						() -> this.stock.restock(sku, this.properties.getInitialStock()));
			}
			logger.info("Restocked under fencing token {}", jobLease.fencingToken());
		}
	}

}
