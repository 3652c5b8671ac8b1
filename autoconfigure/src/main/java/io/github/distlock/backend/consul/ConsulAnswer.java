package io.github.distlock.backend.consul;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.json.JsonParser;

/**
 * One answer of Consul to a request made to do {@code action}.
 */
record ConsulAnswer(int status, long index, String body, String action, String baseUrl, boolean tokenSent,
		JsonParser json) {

	static ConsulAnswer of(HttpResponse<String> response, String action, String baseUrl, boolean tokenSent,
			JsonParser json) {
		long index = response.headers().firstValue("X-Consul-Index").map(ConsulAnswer::parseIndex).orElse(0L);
		return new ConsulAnswer(response.statusCode(), index, response.body().strip(), action, baseUrl, tokenSent,
				json);
	}

	private static long parseIndex(String value) {
		try {
			return Long.parseUnsignedLong(value.strip());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/** This answer when its status is 200; otherwise the failure the status means. */
	ConsulAnswer ok() {
		if (this.status != 200) {
			throw failure(this.status, this.body);
		}
		return this;
	}

	Map<String, Object> map() {
		return parse(() -> this.json.parseMap(this.body));
	}

	List<Object> list() {
		return parse(() -> this.json.parseList(this.body));
	}

	/**
	 * The first error of a transaction Consul rolled back (409), or {@code null} when it
	 * listed none; a permission denied inside the transaction is a refused token, and any
	 * other status a failure.
	 */
	@Nullable String rolledBack() {
		if (this.status != 409) {
			throw failure(this.status, this.body);
		}
		Object errors = map().get("Errors");
		Object what = (errors instanceof List<?> list && !list.isEmpty()) ? ((Map<?, ?>) list.get(0)).get("What")
				: null;
		String error = (what != null) ? what.toString() : null;
		if (error != null && (error.contains("Permission denied") || error.contains("ACL not found"))) {
			throw failure(403, error);
		}
		return error;
	}

	ConsulApiException failure(int status, @Nullable String answer) {
		String verb = (status >= 500) ? " failed to " : (status == 403) ? " refused to " : " rejected the request to ";
		String message = "Consul at " + this.baseUrl + verb + this.action + " (HTTP " + status
				+ ((answer != null && !answer.isBlank()) ? ": " + answer : "") + ")";
		if (status == 403) {
			message += this.tokenSent ? "; the ACL token is unknown or lacks permission"
					: "; no ACL token is configured and the agent's default policy denies it";
		}
		return new ConsulApiException(message, status, null);
	}

	private <T> T parse(Supplier<T> step) {
		try {
			return step.get();
		}
		catch (RuntimeException ex) {
			throw new ConsulApiException("Consul at " + this.baseUrl + " gave an answer to " + this.action
					+ " that distlock could not read: " + ex.getMessage(), 200, ex);
		}
	}

}
