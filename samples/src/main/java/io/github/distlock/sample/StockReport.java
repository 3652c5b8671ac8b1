package io.github.distlock.sample;

import io.github.distlock.LeaderOnly;
import io.github.distlock.Leadership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A report that only the leader of the role {@value #ROLE} writes; the other instances
 * stand by and one of them takes over when the leader stops or crashes.
 */
@Component
public class StockReport {

	static final String ROLE = "stock-report";

	private static final Logger logger = LoggerFactory.getLogger(StockReport.class);

	private final Leadership leadership;

	private final StockService stock;

	public StockReport(Leadership leadership, StockService stock) {
		this.leadership = leadership;
		this.stock = stock;
	}

	@LeaderOnly(ROLE)
	@Scheduled(fixedRateString = "${sample.report-interval:10s}", initialDelayString = "${sample.report-interval:10s}")
	public void report() {
		StringBuilder line = new StringBuilder();
		for (String sku : this.stock.skus()) {
			line.append(sku).append('=').append(this.stock.available(sku)).append(' ');
		}
		logger.info("Stock report (leader of {}, fencing token {}): {}", ROLE,
				this.leadership.fencingToken(ROLE).orElse(-1), line.toString().strip());
	}

}
