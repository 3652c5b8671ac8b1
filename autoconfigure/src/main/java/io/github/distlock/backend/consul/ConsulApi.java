package io.github.distlock.backend.consul;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.json.JsonWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriUtils;

/**
 * The few calls of Consul's HTTP API that locks need: sessions, KV lock transactions and blocking reads.
 * Spring Cloud Consul's own client has none of them. Every request carries the ACL token, when there is
 * one, in the {@code X-Consul-Token} header. JSON is written with Spring Boot's {@link JsonWriter} and
 * read with {@link ConsulJson}, so no particular JSON library is required.
 */
public final class ConsulApi {

	/** The longest single blocking query; a longer wait is several queries. */
	static final Duration MAX_BLOCKING_WAIT = Duration.ofSeconds(30);

	/** Consul adds up to 1/16 of jitter to a blocking query's wait; the read timeout outlasts both. */
	private static final Duration READ_TIMEOUT = MAX_BLOCKING_WAIT.plus(MAX_BLOCKING_WAIT.dividedBy(16))
		.plusSeconds(15);

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	private static final String TOKEN_HEADER = "X-Consul-Token";

	private static final String INDEX_HEADER = "X-Consul-Index";

	private final String baseUrl;

	private final RestClient rest;

	private final @Nullable String token;

	private final JsonWriter<Object> writer = JsonWriter.standard();

	/**
	 * Creates the API over a client made by {@link #restClientBuilder}.
	 * @param baseUrl the agent's URL, such as {@code http://localhost:8500}, with Spring Cloud Consul's
	 * {@code path} if any
	 * @param token the ACL token, or {@code null} or blank for none
	 */
	public ConsulApi(String baseUrl, RestClient rest, @Nullable String token) {
		this.baseUrl = baseUrl.replaceAll("/+$", "");
		this.rest = rest;
		this.token = (token != null && !token.isBlank()) ? token.strip() : null;
	}

	/**
	 * A client builder for Consul: the JDK HTTP client, because waiters and session watches each hold a
	 * connection in a long poll (the JDK client has no per-host connection cap and its requests end when
	 * the waiting thread is interrupted), speaking HTTP/1.1 as Consul's own clients do (no h2c upgrade
	 * attempt on cleartext connections), with a read timeout longer than any blocking query.
	 * @param settings Spring Cloud Consul's settings (its TLS bundle), or {@code null}
	 */
	public static RestClient.Builder restClientBuilder(@Nullable HttpClientSettings settings) {
		HttpClientSettings base = (settings != null) ? settings : HttpClientSettings.defaults();
		HttpClientSettings effective = base.withReadTimeout(READ_TIMEOUT)
			.withConnectTimeout((base.connectTimeout() != null) ? base.connectTimeout() : CONNECT_TIMEOUT);
		return RestClient.builder()
			.requestFactory(ClientHttpRequestFactoryBuilder.jdk()
				.withHttpClientCustomizer((client) -> client.version(HttpClient.Version.HTTP_1_1))
				.build(effective));
	}

	/**
	 * The agent's URL.
	 */
	public String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Asks the agent for the cluster leader: needs no ACL permission and fails when Consul is down or has
	 * no leader (then no session or lock request can succeed).
	 */
	void checkLeader() {
		Response response = send(HttpMethod.GET, "/v1/status/leader", null);
		expectOk(response, "name its cluster leader");
		if (!(read(response.body()) instanceof String leader) || leader.isBlank()) {
			throw new ConsulApiException("Consul at " + this.baseUrl + " has no cluster leader", 200, null);
		}
	}

	String createSession(Map<String, Object> definition) {
		Response response = send(HttpMethod.PUT, "/v1/session/create", this.writer.writeToString(definition));
		expectOk(response, "create a session");
		Object id = parseMap(response.body()).get("ID");
		if (!(id instanceof String text) || text.isBlank()) {
			throw new ConsulApiException("Consul created a session but returned no ID: " + response.body(),
					response.status(), null);
		}
		return text;
	}

	/**
	 * @return {@code false} when Consul answers 404: the session no longer exists
	 */
	boolean renewSession(String id) {
		Response response = send(HttpMethod.PUT, "/v1/session/renew/" + id, null);
		if (response.status() == 404) {
			return false;
		}
		expectOk(response, "renew session " + id);
		return true;
	}

	void destroySession(String id) {
		expectOk(send(HttpMethod.PUT, "/v1/session/destroy/" + id, null), "destroy session " + id);
	}

	/**
	 * Whether the session exists, waiting up to {@code wait} for a change after {@code index} when
	 * {@code index} is positive. Consul hides sessions the token may not read, so "absent" alone does not
	 * prove the session is gone.
	 */
	Indexed<Boolean> sessionVisible(String id, long index, Duration wait) {
		Response response = send(HttpMethod.GET, "/v1/session/info/" + id + blocking(index, wait), null);
		expectOk(response, "read session " + id);
		return new Indexed<>(response.index(), !parseList(response.body()).isEmpty());
	}

	/**
	 * The session holding {@code key} ({@code null} when the key is free or absent), waiting up to
	 * {@code wait} for a change after {@code index} when {@code index} is positive.
	 */
	Indexed<@Nullable String> readHolder(String key, long index, Duration wait) {
		Response response = send(HttpMethod.GET, kvPath(key) + blocking(index, wait), null);
		if (response.status() == 404) {
			return new Indexed<>(response.index(), null);
		}
		expectOk(response, "read key '" + key + "'");
		List<?> entries = parseList(response.body());
		Object session = entries.isEmpty() ? null : ((Map<?, ?>) entries.get(0)).get("Session");
		return new Indexed<>(response.index(), (session instanceof String id && !id.isEmpty()) ? id : null);
	}

	/**
	 * Locks {@code key} for {@code session} with {@code value} in one transaction, whose answer carries the
	 * entry's new {@code ModifyIndex}.
	 */
	Acquisition acquire(String key, String session, byte[] value) {
		Map<String, Object> lock = Map.of("Verb", "lock", "Key", key, "Session", session, "Value",
				Base64.getEncoder().encodeToString(value));
		Response response = send(HttpMethod.PUT, "/v1/txn", this.writer.writeToString(List.of(Map.of("KV", lock))));
		if (response.status() == 200) {
			Map<?, ?> entry = firstResult(response);
			return new Acquisition(Acquisition.Outcome.ACQUIRED, ((Number) entry.get("ModifyIndex")).longValue());
		}
		String error = transactionError(response, "lock key '" + key + "'");
		if (error.contains("lock delay")) {
			return new Acquisition(Acquisition.Outcome.LOCK_DELAY, 0);
		}
		if (error.contains("invalid session")) {
			return new Acquisition(Acquisition.Outcome.INVALID_SESSION, 0);
		}
		if (error.contains("already held")) {
			return new Acquisition(Acquisition.Outcome.HELD, 0);
		}
		throw new ConsulApiException("Consul refused to lock key '" + key + "': " + error, response.status(), null);
	}

	/**
	 * Unlocks {@code key} if, and only if, {@code session} holds it ({@code ?release=}); the entry stays,
	 * with an empty value.
	 * @return whether the key was ours and is now unlocked
	 */
	boolean release(String key, String session) {
		Response response = send(HttpMethod.PUT, kvPath(key) + "?release=" + session, null);
		expectOk(response, "release key '" + key + "'");
		return Boolean.parseBoolean(response.body().strip());
	}

	/**
	 * Deletes {@code key} if, and only if, {@code session} holds it, in one transaction, so that no entry is
	 * left behind for every key ever locked.
	 * @return whether the key was ours and is now deleted
	 */
	boolean releaseAndDelete(String key, String session) {
		List<Object> operations = List.of(
				Map.of("KV", Map.of("Verb", "check-session", "Key", key, "Session", session)),
				Map.of("KV", Map.of("Verb", "delete", "Key", key)));
		Response response = send(HttpMethod.PUT, "/v1/txn", this.writer.writeToString(operations));
		if (response.status() == 200) {
			return true;
		}
		// Rolled back: the check failed because another session or none holds the key, or it is gone.
		transactionError(response, "release key '" + key + "'");
		return false;
	}

	/**
	 * Proves that the token may write {@code key} by deleting it, so {@code key} must be one no lock uses.
	 */
	void checkWriteAccess(String key) {
		Response response = send(HttpMethod.PUT, "/v1/txn",
				this.writer.writeToString(List.of(Map.of("KV", Map.of("Verb", "delete", "Key", key)))));
		if (response.status() != 200) {
			throw new ConsulApiException("Consul refused to write under '" + key + "': "
					+ transactionError(response, "write key '" + key + "'"), response.status(), null);
		}
	}

	private Response send(HttpMethod method, String pathAndQuery, @Nullable String body) {
		try {
			RestClient.RequestBodySpec request = this.rest.method(method).uri(URI.create(this.baseUrl + pathAndQuery));
			if (this.token != null) {
				request.header(TOKEN_HEADER, this.token);
			}
			if (body != null) {
				request.contentType(MediaType.APPLICATION_JSON).body(body.getBytes(StandardCharsets.UTF_8));
			}
			return request.exchangeForRequiredValue((req, res) -> new Response(res.getStatusCode().value(),
					StreamUtils.copyToString(res.getBody(), StandardCharsets.UTF_8), index(res.getHeaders())));
		}
		catch (RestClientException ex) {
			throw new ConsulApiException("Consul at " + this.baseUrl + " could not be reached (" + method + " "
					+ pathAndQuery.replaceAll("\\?.*", "") + "): " + ex.getMessage(), ConsulApiException.NO_ANSWER,
					ex);
		}
	}

	private void expectOk(Response response, String action) {
		if (response.status() != 200) {
			throw failure(response.status(), action, response.body().strip());
		}
	}

	/**
	 * The error of a transaction Consul rolled back (409); any other failure is thrown.
	 */
	private String transactionError(Response response, String action) {
		if (response.status() != 409) {
			throw failure(response.status(), action, response.body().strip());
		}
		Object errors = parseMap(response.body()).get("Errors");
		String what = (errors instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> error)
				? String.valueOf(error.get("What")) : response.body().strip();
		if (what.contains("Permission denied") || what.contains("ACL not found")) {
			throw failure(403, action, what);
		}
		return what;
	}

	private ConsulApiException failure(int status, String action, String answer) {
		String message = "Consul at " + this.baseUrl + " refused to " + action + " (HTTP " + status + ": " + answer + ")";
		if (status == 403) {
			message += (this.token != null) ? "; the ACL token is unknown or lacks permission"
					: "; no ACL token is configured and the agent's default policy denies it";
		}
		return new ConsulApiException(message, status, null);
	}

	private Map<?, ?> firstResult(Response response) {
		Object results = parseMap(response.body()).get("Results");
		if (results instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> result
				&& result.get("KV") instanceof Map<?, ?> entry) {
			return entry;
		}
		throw new ConsulApiException("Consul answered a lock transaction without its entry: " + response.body(),
				response.status(), null);
	}

	private static Map<?, ?> parseMap(String body) {
		if (read(body) instanceof Map<?, ?> map) {
			return map;
		}
		throw new ConsulApiException("Consul answered something other than a JSON object: " + body, 200, null);
	}

	/**
	 * A JSON array; Consul answers {@code null} or nothing for an empty one.
	 */
	private static List<?> parseList(String body) {
		if (body.isBlank()) {
			return List.of();
		}
		Object value = read(body);
		if (value == null) {
			return List.of();
		}
		if (value instanceof List<?> list) {
			return list;
		}
		throw new ConsulApiException("Consul answered something other than a JSON array: " + body, 200, null);
	}

	private static @Nullable Object read(String body) {
		try {
			return ConsulJson.parse(body);
		}
		catch (IllegalArgumentException ex) {
			throw new ConsulApiException(ex.getMessage(), 200, ex);
		}
	}

	private static String kvPath(String key) {
		return "/v1/kv/" + UriUtils.encodePath(key, StandardCharsets.UTF_8);
	}

	private static String blocking(long index, Duration wait) {
		if (index <= 0) {
			return "";
		}
		// A zero wait would mean Consul's default of five minutes.
		return "?index=" + index + "&wait=" + Math.max(1, wait.toMillis()) + "ms";
	}

	private static long index(HttpHeaders headers) {
		String value = headers.getFirst(INDEX_HEADER);
		try {
			return (value != null) ? Long.parseUnsignedLong(value.strip()) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * A value read with the index to block on for its next change. The index is at least 1, as Consul
	 * asks of clients: an index of 0 would make the next query return at once instead of blocking.
	 */
	record Indexed<T>(long index, T value) {

		Indexed {
			index = Math.max(1, index);
		}

	}

	/**
	 * What a lock transaction achieved; {@code modifyIndex} is the entry's index when acquired.
	 */
	record Acquisition(Outcome outcome, long modifyIndex) {

		enum Outcome {

			ACQUIRED, HELD, LOCK_DELAY, INVALID_SESSION

		}

	}

	private record Response(int status, String body, long index) {
	}

}
