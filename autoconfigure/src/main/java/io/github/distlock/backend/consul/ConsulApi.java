package io.github.distlock.backend.consul;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkHttpClientBuilder;
import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.json.JsonWriter;
import org.springframework.web.util.UriUtils;

/**
 * The calls of Consul's HTTP API that locks need (Spring Cloud Consul's client has none
 * of them) over one JDK {@link HttpClient}: HTTP/1.1, no compression, no thread per
 * request; renewals, destroys and session watches wait on the client's selector thread.
 * JSON goes through Spring Boot's {@link JsonParser} and {@link JsonWriter}. Failures are
 * told apart by HTTP status and, for a rolled back transaction, by the errors it lists.
 *
 * <p>
 * A request that died on a connection the agent had closed (idle keep-alive) is sent once
 * more, which is safe for every call here: reads, renewals and destroys are idempotent, a
 * lock repeated by the same session is granted again, releases are conditional on our
 * session, and a session created twice holds nothing and expires.
 */
public final class ConsulApi {

	/** The longest single blocking query; a longer wait is several queries. */
	static final Duration MAX_BLOCKING_WAIT = Duration.ofSeconds(30);

	/** Outlasts a blocking query's wait plus Consul's jitter of up to 1/16 of it. */
	private static final Duration READ_TIMEOUT = MAX_BLOCKING_WAIT.plus(MAX_BLOCKING_WAIT.dividedBy(16))
		.plusSeconds(15);

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** The bound of a renewal or destroy, sent without a thread waiting for it. */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private final String baseUrl;

	private final HttpClient client;

	private final @Nullable String token;

	private final Consumer<HttpRequest> observer;

	private final JsonParser json = JsonParserFactory.getJsonParser();

	private final JsonWriter<Object> writer = JsonWriter.standard();

	/**
	 * Creates the API.
	 * @param baseUrl the agent's URL, such as {@code http://localhost:8500}, with Spring
	 * Cloud Consul's {@code path} if any
	 * @param client a client made by {@link #httpClient}
	 * @param token the ACL token, or {@code null} or blank for none
	 */
	public ConsulApi(String baseUrl, HttpClient client, @Nullable String token) {
		this(baseUrl, client, token, (request) -> {
		});
	}

	private ConsulApi(String baseUrl, HttpClient client, @Nullable String token, Consumer<HttpRequest> observer) {
		this.baseUrl = baseUrl.replaceAll("/+$", "");
		this.client = client;
		this.token = (token != null && !token.isBlank()) ? token.strip() : null;
		this.observer = observer;
	}

	/**
	 * The HTTP client for Consul: Spring Cloud Consul's TLS settings, a connect timeout,
	 * HTTP/1.1 (no h2c upgrade attempt), and the client's tasks run on its selector
	 * thread: none blocks, and a hand-off to a pool was a third of its CPU per request.
	 * @param settings Spring Cloud Consul's settings, or {@code null}
	 */
	public static HttpClient httpClient(@Nullable HttpClientSettings settings) {
		HttpClientSettings base = (settings != null) ? settings : HttpClientSettings.defaults();
		return new JdkHttpClientBuilder().withExecutor(Runnable::run)
			.withCustomizer((builder) -> builder.version(HttpClient.Version.HTTP_1_1))
			.build(base.withConnectTimeout((base.connectTimeout() != null) ? base.connectTimeout() : CONNECT_TIMEOUT));
	}

	/** The same API, telling {@code observer} of every request before it is sent. */
	public ConsulApi observing(Consumer<HttpRequest> observer) {
		return new ConsulApi(this.baseUrl, this.client, this.token, this.observer.andThen(observer));
	}

	/** The agent's URL. */
	public String baseUrl() {
		return this.baseUrl;
	}

	/** Asks for the cluster leader: needs no ACL permission, fails without a leader. */
	void checkLeader() {
		ConsulAnswer answer = send("GET", "/v1/status/leader", null, "name its cluster leader");
		if (answer.ok().body().replace("\"", "").isBlank()) {
			throw new ConsulApiException("Consul at " + this.baseUrl + " has no cluster leader", 200, null);
		}
	}

	String createSession(Map<String, Object> definition) {
		Object id = send("PUT", "/v1/session/create", definition, "create a session").ok().map().get("ID");
		if (!(id instanceof String created) || created.isBlank()) {
			throw new ConsulApiException("Consul created a session but returned no ID", 200, null);
		}
		return created;
	}

	/**
	 * Completes with {@code false} when Consul answers 404 and a consistent read confirms
	 * that the session is gone; exceptionally (the renewal is retried) when the session
	 * is still there, as a leader just elected can answer 404 before it has applied its
	 * log.
	 */
	CompletableFuture<Boolean> renewSession(String id) {
		return sendAsync("PUT", "/v1/session/renew/" + id, "renew session " + id, REQUEST_TIMEOUT,
				(answer) -> answer.status() != 404 && answer.ok() != null)
			.thenCompose((renewed) -> renewed ? CompletableFuture.completedFuture(true)
					: sessionConfirmed(id).thenApply((alive) -> {
						if (alive.value()) {
							throw new ConsulApiException(
									"Consul answered 404 to the renewal of session " + id
											+ ", but a consistent read still shows it (a leader just elected?)",
									404, null);
						}
						return false;
					}));
	}

	/**
	 * Whether the session exists, read in Consul's {@code consistent} mode: the leader
	 * confirms its leadership with a quorum and must be ready for consistent reads, so a
	 * leader that has not yet caught up answers 500 rather than a false "gone".
	 */
	CompletableFuture<Indexed<Boolean>> sessionConfirmed(String id) {
		return sendAsync("GET", "/v1/session/info/" + id + "?consistent", "read session " + id + " consistently",
				READ_TIMEOUT, (answer) -> new Indexed<>(answer.index(), !answer.ok().list().isEmpty()));
	}

	CompletableFuture<Boolean> destroySession(String id) {
		return sendAsync("PUT", "/v1/session/destroy/" + id, "destroy session " + id, REQUEST_TIMEOUT,
				(answer) -> answer.ok() != null);
	}

	/**
	 * Whether the session is visible (Consul hides those the token may not read), waiting
	 * up to {@code wait} for a change after a positive {@code index}.
	 */
	CompletableFuture<Indexed<Boolean>> sessionVisible(String id, long index, Duration wait) {
		return sendAsync("GET", "/v1/session/info/" + id + blocking(index, wait), "read session " + id, READ_TIMEOUT,
				(answer) -> new Indexed<>(answer.index(), !answer.ok().list().isEmpty()));
	}

	/**
	 * The session holding {@code key}, if any, waiting up to {@code wait} for a change
	 * after a positive {@code index}.
	 */
	Indexed<@Nullable String> readHolder(String key, long index, Duration wait) {
		ConsulAnswer answer = send("GET", kvPath(key) + blocking(index, wait), null, "read key '" + key + "'");
		List<Object> entries = (answer.status() == 404) ? List.of() : answer.ok().list();
		Object session = entries.isEmpty() ? null : ((Map<?, ?>) entries.get(0)).get("Session");
		return new Indexed<>(answer.index(), (session instanceof String held && !held.isEmpty()) ? held : null);
	}

	/** Locks {@code key} in a transaction, whose answer carries its new ModifyIndex. */
	Acquisition acquire(String key, String session, byte[] value) {
		ConsulAnswer answer = send("PUT", "/v1/txn", List.of(kv("lock", key, session, value)),
				"lock key '" + key + "'");
		if (answer.status() == 200) {
			Object results = answer.map().get("Results");
			Object entry = (results instanceof List<?> list && !list.isEmpty()) ? ((Map<?, ?>) list.get(0)).get("KV")
					: null;
			if (!(entry instanceof Map<?, ?> kv) || !(kv.get("ModifyIndex") instanceof Number modifyIndex)) {
				throw new ConsulApiException("Consul answered a lock transaction without its entry", 200, null);
			}
			return new Acquisition(Acquisition.Outcome.ACQUIRED, modifyIndex.longValue());
		}
		// The lock verb's reasons for a rollback, as Consul words them; it has no codes.
		String error = String.valueOf(answer.rolledBack());
		Acquisition.Outcome outcome = error.contains("lock delay") ? Acquisition.Outcome.LOCK_DELAY
				: error.contains("invalid session") ? Acquisition.Outcome.INVALID_SESSION
						: error.contains("already held") ? Acquisition.Outcome.HELD : null;
		if (outcome == null) {
			throw answer.failure(409, error);
		}
		return new Acquisition(outcome, 0);
	}

	/** Unlocks {@code key} if {@code session} holds it; whether it did. */
	boolean release(String key, String session) {
		return "true"
			.equals(send("PUT", kvPath(key) + "?release=" + session, null, "release key '" + key + "'").ok().body());
	}

	/**
	 * Deletes {@code key} if {@code session} holds it, in a transaction; whether it did.
	 */
	boolean releaseAndDelete(String key, String session) {
		ConsulAnswer answer = send("PUT", "/v1/txn",
				List.of(kv("check-session", key, session, null), kv("delete", key, null, null)),
				"release key '" + key + "'");
		if (answer.status() == 200) {
			return true;
		}
		answer.rolledBack();
		return false;
	}

	/** Proves that the token may write {@code key} by deleting it: no lock's key. */
	void checkWriteAccess(String key) {
		ConsulAnswer answer = send("PUT", "/v1/txn", List.of(kv("delete", key, null, null)), "write key '" + key + "'");
		if (answer.status() != 200) {
			throw answer.failure(answer.status(), answer.rolledBack());
		}
	}

	private static Map<String, Object> kv(String verb, String key, @Nullable String session, byte @Nullable [] value) {
		Map<String, Object> operation = new LinkedHashMap<>(Map.of("Verb", verb, "Key", key));
		if (session != null) {
			operation.put("Session", session);
		}
		if (value != null) {
			operation.put("Value", Base64.getEncoder().encodeToString(value));
		}
		return Map.of("KV", operation);
	}

	private ConsulAnswer send(String method, String pathAndQuery, @Nullable Object body, String action) {
		HttpRequest request = request(method, pathAndQuery, body, READ_TIMEOUT);
		try {
			try {
				return answer(this.client.send(request, HttpResponse.BodyHandlers.ofString()), action);
			}
			catch (IOException ex) {
				if (!diedOnOpenConnection(ex)) {
					throw ex;
				}
				return answer(this.client.send(request, HttpResponse.BodyHandlers.ofString()), action);
			}
		}
		catch (InterruptedException ex) {
			// The exchange is cancelled; the session layer reports the flag as the
			// interrupt.
			Thread.currentThread().interrupt();
			throw unreachable(request, ex);
		}
		catch (IOException ex) {
			throw unreachable(request, ex);
		}
	}

	private <T> CompletableFuture<T> sendAsync(String method, String pathAndQuery, String action, Duration timeout,
			Function<ConsulAnswer, T> reader) {
		HttpRequest request = request(method, pathAndQuery, null, timeout);
		return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
			.handle((response, failure) -> (failure == null) ? CompletableFuture.completedFuture(response)
					: diedOnOpenConnection(unwrap(failure))
							? this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
							: CompletableFuture.<HttpResponse<String>>failedFuture(unwrap(failure)))
			.thenCompose(Function.identity())
			.handle((response, failure) -> {
				if (failure != null) {
					throw unreachable(request, unwrap(failure));
				}
				return reader.apply(answer(response, action));
			});
	}

	private HttpRequest request(String method, String pathAndQuery, @Nullable Object body, Duration timeout) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + pathAndQuery))
			.timeout(timeout)
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(this.writer.writeToString(body))
					: HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (this.token != null) {
			request.header("X-Consul-Token", this.token);
		}
		HttpRequest built = request.build();
		this.observer.accept(built);
		return built;
	}

	private ConsulAnswer answer(HttpResponse<String> response, String action) {
		return ConsulAnswer.of(response, action, this.baseUrl, this.token != null, this.json);
	}

	/**
	 * Whether the peer closed or reset a connection that was there; not a refused
	 * connection (the agent is down) or a timeout (the request may still be served).
	 */
	private static boolean diedOnOpenConnection(Throwable ex) {
		return ex instanceof IOException && !(ex instanceof ConnectException || ex instanceof HttpTimeoutException
				|| ex instanceof InterruptedIOException || ex.getCause() instanceof ConnectException);
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	private ConsulApiException unreachable(HttpRequest request, Throwable ex) {
		return new ConsulApiException("Consul at " + this.baseUrl + " could not be reached (" + request.method() + " "
				+ request.uri().getRawPath() + "): " + ex.getMessage(), ConsulApiException.NO_ANSWER, ex);
	}

	private static String kvPath(String key) {
		return "/v1/kv/" + UriUtils.encodePath(key, StandardCharsets.UTF_8);
	}

	private static String blocking(long index, Duration wait) {
		// A zero wait would mean Consul's default of five minutes.
		return (index <= 0) ? "" : "?index=" + index + "&wait=" + Math.max(1, wait.toMillis()) + "ms";
	}

	/** A value with the index to block on next: at least 1, as 0 would not block. */
	record Indexed<T>(long index, T value) {

		Indexed {
			index = Math.max(1, index);
		}

	}

	/** What a lock transaction achieved, and the entry's index when acquired. */
	record Acquisition(Outcome outcome, long modifyIndex) {

		enum Outcome {

			ACQUIRED, HELD, LOCK_DELAY, INVALID_SESSION

		}

	}

}
