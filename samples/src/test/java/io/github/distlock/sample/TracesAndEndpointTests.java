package io.github.distlock.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.tracing.exporter.FinishedSpan;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the sample shows beyond reservations: a reservation's trace holds the lock's wait
 * and hold spans inside the request's span, and {@code /actuator/distlock} shows a held
 * lock's owner and renewals, frees it on request and lists the loss.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.work-delay=5ms", "management.tracing.export.enabled=true" })
class TracesAndEndpointTests {

	@LocalServerPort
	int port;

	@Autowired
	TraceLog traces;

	@Test
	void aReservationsTraceHoldsTheLocksWaitAndHoldSpans() {
		client().post().uri("/stock/{sku}/reserve?quantity=1", "T-1").retrieve().toBodilessEntity();
		await().atMost(Duration.ofSeconds(10)).until(() -> span("distlock hold reserve") != null);
		FinishedSpan wait = span("distlock wait reserve");
		FinishedSpan hold = span("distlock hold reserve");
		FinishedSpan request = this.traces.recent()
			.stream()
			.filter((span) -> span.getSpanId().equals(hold.getParentId()))
			.findFirst()
			.orElseThrow();
		assertThat(request.getName()).contains("/stock/{sku}/reserve");
		assertThat(wait.getParentId()).isEqualTo(request.getSpanId());
		assertThat(wait.getTraceId()).isEqualTo(request.getTraceId()).isEqualTo(hold.getTraceId());
		assertThat(hold.getTags()).containsEntry("lock", "reserve")
			.containsEntry("outcome", "released")
			.containsEntry("key", "sku:T-1");
	}

	@Test
	void theEndpointShowsTheOwnerAndRenewalsAndFreesAStuckLock() throws Exception {
		RestClient client = client();
		CompletableFuture<String> stocktake = CompletableFuture.supplyAsync(
				() -> client.post().uri("/stock/{sku}/stocktake?seconds=30", "S-1").retrieve().body(String.class));
		await().atMost(Duration.ofSeconds(10)).until(() -> renewals(locks(client)) >= 1);
		Map<String, Object> held = locks(client).get(0);
		assertThat(held).containsEntry("key", "sku:S-1")
			.containsEntry("name", "stocktake")
			.containsKeys("owner", "acquiredAt", "lastRenewal");
		assertThat((String) held.get("owner")).startsWith("http-nio-");

		Map<?, ?> released = client.post()
			.uri("/actuator/distlock")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("fencingToken", held.get("fencingToken")))
			.retrieve()
			.body(Map.class);

		assertThat((List<?>) released.get("released")).hasSize(1);
		Map<?, ?> shown = client.get().uri("/actuator/distlock").retrieve().body(Map.class);
		assertThat((List<?>) shown.get("locks")).isEmpty();
		assertThat(shown.get("recentLosses").toString()).contains("sku:S-1").contains("released by an operator");
		assertThat(stocktake.get(30, TimeUnit.SECONDS)).as("stopped once its lock was taken away")
			.contains("\"completed\":false");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> locks(RestClient client) {
		return (List<Map<String, Object>>) client.get()
			.uri("/actuator/distlock")
			.retrieve()
			.body(Map.class)
			.get("locks");
	}

	private static int renewals(List<Map<String, Object>> locks) {
		return locks.isEmpty() ? 0 : ((Number) locks.get(0).get("renewals")).intValue();
	}

	private FinishedSpan span(String name) {
		return this.traces.recent().stream().filter((span) -> name.equals(span.getName())).findFirst().orElse(null);
	}

	private RestClient client() {
		return RestClient.create("http://127.0.0.1:" + this.port);
	}

}
