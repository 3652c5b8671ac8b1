package io.github.distlock.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample end to end over HTTP: concurrent reservations never oversell, and the lock
 * metrics show up in the actuator.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.initial-stock=10", "sample.reserve-wait=30s", "sample.work-delay=5ms" })
class StockApplicationTests {

	@LocalServerPort
	int port;

	@Autowired
	StockService stock;

	@Test
	void concurrentReservationsNeverOversell() throws Exception {
		RestClient client = RestClient.create("http://127.0.0.1:" + this.port);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<Future<HttpStatusCode>> calls = new ArrayList<>();
		try {
			for (int i = 0; i < 16; i++) {
				calls.add(pool.submit(() -> client.post()
					.uri("/stock/{sku}/reserve?quantity=1", "A-1")
					.exchange((request, response) -> response.getStatusCode())));
			}
			int reserved = 0;
			int refused = 0;
			for (Future<HttpStatusCode> call : calls) {
				HttpStatusCode status = call.get(60, TimeUnit.SECONDS);
				if (status.value() == 200) {
					reserved++;
				}
				else if (status.value() == 422) {
					refused++;
				}
			}
			assertThat(reserved).isEqualTo(10);
			assertThat(refused).isEqualTo(6);
			assertThat(this.stock.available("A-1")).isZero();
		}
		finally {
			pool.shutdownNow();
		}
		String waitMetric = client.get().uri("/actuator/metrics/distlock.wait").retrieve().body(String.class);
		assertThat(waitMetric).contains("\"name\":\"distlock.wait\"").contains("reserve").contains("acquired");
	}

}
