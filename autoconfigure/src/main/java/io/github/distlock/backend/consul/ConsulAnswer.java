package io.github.distlock.backend.consul;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.distlock.backend.consul.ConsulJson.Transaction;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.converter.HttpMessageConverter;

/**
 * One answer of Consul to a request made to do {@code action}, and the failure each
 * status means: 403 is a refused token, 5xx a failure of Consul, and a rolled back
 * transaction (409) is told apart by the errors Consul lists in its answer. The body is
 * read at once, so one answer serves blocking and asynchronous requests alike; it is
 * mapped by the RestClient's converters.
 */
final class ConsulAnswer implements HttpInputMessage {

	private final HttpHeaders headers;

	private final byte[] body;

	private final String action;

	private final String baseUrl;

	private final @Nullable String token;

	private final List<HttpMessageConverter<?>> converters;

	final int status;

	ConsulAnswer(ClientHttpResponse response, String action, String baseUrl, @Nullable String token,
			List<HttpMessageConverter<?>> converters) throws IOException {
		this.headers = response.getHeaders();
		this.body = response.getBody().readAllBytes();
		this.action = action;
		this.baseUrl = baseUrl;
		this.token = token;
		this.converters = converters;
		this.status = response.getStatusCode().value();
	}

	@Override
	public InputStream getBody() {
		return new ByteArrayInputStream(this.body);
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	/**
	 * The body as {@code type}, read by the first of the client's converters that can.
	 */
	@SuppressWarnings("unchecked")
	<T> @Nullable T decode(Class<T> type) throws IOException {
		MediaType contentType = (this.headers.getContentType() != null) ? this.headers.getContentType()
				: MediaType.APPLICATION_JSON;
		for (HttpMessageConverter<?> converter : this.converters) {
			if (this.body.length > 0 && converter.canRead(type, contentType)) {
				return ((HttpMessageConverter<T>) converter).read(type, this);
			}
		}
		return null;
	}

	/** Whether the status is 200; any other is the failure it means. */
	boolean ok() throws IOException {
		if (this.status != 200) {
			throw failure(this.status, text());
		}
		return true;
	}

	/**
	 * The body as {@code type}, when the status is 200; otherwise the failure the status
	 * means.
	 */
	<T> @Nullable T ok(Class<T> type) throws IOException {
		ok();
		T body = decode(type);
		return (body instanceof String text) ? type.cast(text.strip()) : body;
	}

	/**
	 * The first error of a transaction Consul rolled back (409), or {@code null} when it
	 * listed none; a permission denied inside the transaction is a refused token, and any
	 * other status a failure.
	 */
	@Nullable String rolledBack() throws IOException {
		if (this.status != 409) {
			throw failure(this.status, text());
		}
		Transaction answer = decode(Transaction.class);
		String what = (answer != null && answer.errors() != null && !answer.errors().isEmpty())
				? answer.errors().get(0).what() : null;
		if (what != null && (what.contains("Permission denied") || what.contains("ACL not found"))) {
			throw failure(403, what);
		}
		return what;
	}

	long index() {
		String value = this.headers.getFirst("X-Consul-Index");
		try {
			return (value != null) ? Long.parseUnsignedLong(value.strip()) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	ConsulApiException failure(int status, @Nullable String answer) {
		String verb = (status >= 500) ? " failed to " : (status == 403) ? " refused to " : " rejected the request to ";
		String message = "Consul at " + this.baseUrl + verb + this.action + " (HTTP " + status
				+ ((answer != null && !answer.isBlank()) ? ": " + answer : "") + ")";
		if (status == 403) {
			message += (this.token != null) ? "; the ACL token is unknown or lacks permission"
					: "; no ACL token is configured and the agent's default policy denies it";
		}
		return new ConsulApiException(message, status, null);
	}

	private String text() {
		return new String(this.body, StandardCharsets.UTF_8).strip();
	}

}
