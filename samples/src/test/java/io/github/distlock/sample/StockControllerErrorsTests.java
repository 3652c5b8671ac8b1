package io.github.distlock.sample;

import io.github.distlock.LockBackendException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * What a client of the sample sees for a request it must not make and for a lock server
 * that is down. The service is a mock: these tests are about the HTTP answers; the lock
 * server's failure itself is proven against real servers in the integration tests.
 */
// The scheduled jobs stay off: a call of theirs on the mock while a test stubs it would
// take
// the stubbing.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.report-interval=1h", "sample.restock-interval=1h" })
class StockControllerErrorsTests {

	@LocalServerPort
	int port;

	@MockitoBean
	StockService stock;

	@Test
	void aQuantityBelowOneIsABadRequest() {
		Answer answer = post("/stock/A-1/reserve?quantity=-5");
		assertThat(answer.status()).isEqualTo(HttpStatus.BAD_REQUEST.value());
		assertThat(answer.body()).contains("quantity must be 1 or more, but was -5");
		verifyNoInteractions(this.stock);
	}

	@Test
	void anUnreachableLockServerIsServiceUnavailableWithAReadableBody() {
		given(this.stock.reserve("A-1", 2)).willThrow(new LockBackendException(
				"Backend 'redis' failed to acquire lock 'sku:A-1': Connection refused: localhost/127.0.0.1:6379"));
		Answer answer = post("/stock/A-1/reserve?quantity=2");
		assertThat(answer.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.value());
		assertThat(answer.retryAfter()).isEqualTo("5");
		assertThat(answer.body()).contains("\"title\":\"Lock server unavailable\"")
			.contains("The lock server cannot be reached")
			.contains("Connection refused");
	}

	private Answer post(String uri) {
		return RestClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri(uri)
			.exchange((request, response) -> new Answer(response.getStatusCode().value(),
					response.getHeaders().getFirst("Retry-After"), response.bodyTo(String.class)));
	}

	private record Answer(int status, String retryAfter, String body) {
	}

}
