package io.github.distlock.sample;

import java.time.Duration;

import io.github.distlock.Leadership;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's jobs: the restock job keeps its lock for {@code holdAtLeast} after it ran,
 * so another tick within the period is skipped; this instance leads the stock report's
 * role, which health shows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.restock-interval=1h", "sample.restock-hold-at-least=1h" })
class SampleJobsTests {

	@LocalServerPort
	int port;

	@Autowired
	RestockJob restockJob;

	@Autowired
	StockService stock;

	@Autowired
	Leadership leadership;

	@Test
	void aSecondRestockInTheSamePeriodIsSkipped() {
		this.stock.reserve("A-1", 1);
		this.restockJob.restock();
		assertThat(this.stock.available("A-1")).isEqualTo(10);
		this.stock.reserve("A-1", 1);
		this.restockJob.restock();
		assertThat(this.stock.available("A-1")).as("skipped: the job lock is held for the period").isEqualTo(9);
	}

	@Test
	void thisInstanceLeadsTheReportRoleAndHealthShowsIt() {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.leadership.isLeader(StockReport.ROLE));
		String health = RestClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/actuator/health/distlock")
			.retrieve()
			.body(String.class);
		assertThat(health).contains("\"leaderOf\":[\"stock-report\"]");
	}

}
