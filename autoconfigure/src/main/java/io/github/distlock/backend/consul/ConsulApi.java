package io.github.distlock.backend.consul;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkHttpClientBuilder;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClient.RequestHeadersSpec.ConvertibleClientHttpResponse;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriUtils;

/**
 * The few calls of Consul's HTTP API that locks need: sessions, KV lock transactions and
 * blocking reads. Spring Cloud Consul's own client has none of them. Every request
 * carries the ACL token, when there is one, in the {@code X-Consul-Token} header. Bodies
 * and answers are records mapped by the RestClient's JSON converter, that is by Jackson,
 * the library Spring Cloud Consul's own client maps its records with. Failures are told
 * apart by HTTP status: 403 is a refused token, 5xx a failure of Consul, and a rolled
 * back transaction (409) by the errors Consul lists in its answer.
 */
public final class ConsulApi {

	/** The longest single blocking query; a longer wait is several queries. */
	static final Duration MAX_BLOCKING_WAIT = Duration.ofSeconds(30);

	/**
	 * Consul adds up to 1/16 of jitter to a blocking query's wait; the read timeout
	 * outlasts both.
	 */
	private static final Duration READ_TIMEOUT = MAX_BLOCKING_WAIT.plus(MAX_BLOCKING_WAIT.dividedBy(16))
		.plusSeconds(15);

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Jackson 3, then Jackson 2: the JSON libraries the RestClient's default converters
	 * map records with.
	 */
	private static final List<String> JSON_LIBRARIES = List.of("tools.jackson.databind.json.JsonMapper",
			"com.fasterxml.jackson.databind.ObjectMapper");

	private final String baseUrl;

	private final RestClient rest;

	private final @Nullable String token;

	/**
	 * Creates the API over a client made by {@link #restClientBuilder}.
	 * @param baseUrl the agent's URL, such as {@code http://localhost:8500}, with Spring
	 * Cloud Consul's {@code path} if any
	 * @param token the ACL token, or {@code null} or blank for none
	 * @throws IllegalStateException when no JSON library is on the classpath
	 */
	public ConsulApi(String baseUrl, RestClient rest, @Nullable String token) {
		if (!hasJsonLibrary(ConsulApi.class.getClassLoader())) {
			throw new IllegalStateException(missingJsonLibrary());
		}
		this.baseUrl = baseUrl.replaceAll("/+$", "");
		this.rest = rest;
		this.token = (token != null && !token.isBlank()) ? token.strip() : null;
	}

	/**
	 * Whether a JSON library that Consul's answers can be mapped with is visible to
	 * {@code classLoader}.
	 */
	public static boolean hasJsonLibrary(@Nullable ClassLoader classLoader) {
		return JSON_LIBRARIES.stream().anyMatch((name) -> ClassUtils.isPresent(name, classLoader));
	}

	/**
	 * What to tell a user whose classpath has no JSON library for Consul's answers.
	 */
	public static String missingJsonLibrary() {
		return "The Consul backend maps Consul's JSON answers with Jackson, as Spring Cloud Consul's own client "
				+ "does, but neither Jackson 3 (tools.jackson.core:jackson-databind) nor Jackson 2 "
				+ "(com.fasterxml.jackson.core:jackson-databind) is on the classpath";
	}

	/**
	 * A client builder for Consul over {@link ConsulTransport}: the JDK HTTP client,
	 * because waiters and session watches each hold a connection in a long poll (the JDK
	 * client has no per-host connection cap, parks every waiting connection on its one
	 * selector thread rather than a thread each, and ends a request when the waiting
	 * thread is interrupted), speaking HTTP/1.1 as Consul's own clients do (no h2c
	 * upgrade attempt on cleartext connections), with a read timeout longer than any
	 * blocking query.
	 * @param settings Spring Cloud Consul's settings (its TLS bundle), or {@code null}
	 */
	public static RestClient.Builder restClientBuilder(@Nullable HttpClientSettings settings) {
		HttpClientSettings base = (settings != null) ? settings : HttpClientSettings.defaults();
		// The client's own tasks (parsing an answer, completing its future) run where
		// they arise, on its
		// selector thread, instead of being handed to a pool thread and back: none of
		// them blocks, as every
		// body is read into a byte array, and the hand-offs were a third of the client's
		// CPU time per request.
		HttpClient client = new JdkHttpClientBuilder().withExecutor(Runnable::run)
			.withCustomizer((builder) -> builder.version(HttpClient.Version.HTTP_1_1))
			.build(base.withConnectTimeout((base.connectTimeout() != null) ? base.connectTimeout() : CONNECT_TIMEOUT));
		return RestClient.builder().requestFactory(new ConsulTransport(client, READ_TIMEOUT));
	}

	/**
	 * The agent's URL.
	 */
	public String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Asks the agent for the cluster leader: needs no ACL permission and fails when
	 * Consul is down or has no leader (then no session or lock request can succeed).
	 */
	void checkLeader() {
		String leader = call(HttpMethod.GET, "/v1/status/leader", null, "name its cluster leader",
				(answer) -> answer.ok(String.class));
		if (leader == null || leader.replace("\"", "").isBlank()) {
			throw new ConsulApiException("Consul at " + this.baseUrl + " has no cluster leader", 200, null);
		}
	}

	String createSession(Map<String, Object> definition) {
		SessionId created = call(HttpMethod.PUT, "/v1/session/create", definition, "create a session",
				(answer) -> answer.ok(SessionId.class));
		if (created == null || created.id() == null || created.id().isBlank()) {
			throw new ConsulApiException("Consul created a session but returned no ID", 200, null);
		}
		return created.id();
	}

	/**
	 * @return {@code false} when Consul answers 404: the session no longer exists
	 */
	boolean renewSession(String id) {
		return call(HttpMethod.PUT, "/v1/session/renew/" + id, null, "renew session " + id,
				(answer) -> answer.status != 404 && answer.ok());
	}

	void destroySession(String id) {
		call(HttpMethod.PUT, "/v1/session/destroy/" + id, null, "destroy session " + id, Answer::ok);
	}

	/**
	 * Whether the session exists, waiting up to {@code wait} for a change after
	 * {@code index} when {@code index} is positive. Consul hides sessions the token may
	 * not read, so "absent" alone does not prove the session is gone.
	 */
	Indexed<Boolean> sessionVisible(String id, long index, Duration wait) {
		return call(HttpMethod.GET, "/v1/session/info/" + id + blocking(index, wait), null, "read session " + id,
				(answer) -> {
					SessionId[] sessions = answer.ok(SessionId[].class);
					return new Indexed<>(answer.index(), sessions != null && sessions.length > 0);
				});
	}

	/**
	 * The session holding {@code key} ({@code null} when the key is free or absent),
	 * waiting up to {@code wait} for a change after {@code index} when {@code index} is
	 * positive.
	 */
	Indexed<@Nullable String> readHolder(String key, long index, Duration wait) {
		return call(HttpMethod.GET, kvPath(key) + blocking(index, wait), null, "read key '" + key + "'", (answer) -> {
			Entry[] entries = (answer.status == 404) ? null : answer.ok(Entry[].class);
			String session = (entries != null && entries.length > 0) ? entries[0].session() : null;
			return new Indexed<>(answer.index(), (session != null && !session.isEmpty()) ? session : null);
		});
	}

	/**
	 * Locks {@code key} for {@code session} with {@code value} in one transaction, whose
	 * answer carries the entry's new {@code ModifyIndex}.
	 */
	Acquisition acquire(String key, String session, byte[] value) {
		KvOperation lock = new KvOperation("lock", key, session, Base64.getEncoder().encodeToString(value));
		return call(HttpMethod.PUT, "/v1/txn", List.of(new Operation(lock)), "lock key '" + key + "'", (answer) -> {
			if (answer.status == 200) {
				Transaction done = answer.ok(Transaction.class);
				if (done == null || done.results() == null || done.results().isEmpty()
						|| done.results().get(0).kv() == null) {
					throw new ConsulApiException("Consul answered a lock transaction without its entry", 200, null);
				}
				return new Acquisition(Acquisition.Outcome.ACQUIRED, done.results().get(0).kv().modifyIndex());
			}
			// The lock verb's reasons for a rollback, as Consul words them; it has no
			// codes for them.
			String error = String.valueOf(answer.rolledBack());
			Acquisition.Outcome outcome = error.contains("lock delay") ? Acquisition.Outcome.LOCK_DELAY
					: error.contains("invalid session") ? Acquisition.Outcome.INVALID_SESSION
							: error.contains("already held") ? Acquisition.Outcome.HELD : null;
			if (outcome == null) {
				throw answer.failure(409, error);
			}
			return new Acquisition(outcome, 0);
		});
	}

	/**
	 * Unlocks {@code key} if, and only if, {@code session} holds it ({@code ?release=});
	 * the entry stays, with an empty value.
	 * @return whether the key was ours and is now unlocked
	 */
	boolean release(String key, String session) {
		return call(HttpMethod.PUT, kvPath(key) + "?release=" + session, null, "release key '" + key + "'",
				(answer) -> "true".equals(answer.ok(String.class)));
	}

	/**
	 * Deletes {@code key} if, and only if, {@code session} holds it, in one transaction,
	 * so that no entry is left behind for every key ever locked.
	 * @return whether the key was ours and is now deleted; a rollback means another
	 * session or none holds the key, or it is gone
	 */
	boolean releaseAndDelete(String key, String session) {
		List<Operation> operations = List.of(new Operation(new KvOperation("check-session", key, session, null)),
				new Operation(new KvOperation("delete", key, null, null)));
		return call(HttpMethod.PUT, "/v1/txn", operations, "release key '" + key + "'", (answer) -> {
			if (answer.status == 200) {
				return true;
			}
			answer.rolledBack();
			return false;
		});
	}

	/**
	 * Proves that the token may write {@code key} by deleting it, so {@code key} must be
	 * one no lock uses.
	 */
	void checkWriteAccess(String key) {
		call(HttpMethod.PUT, "/v1/txn", List.of(new Operation(new KvOperation("delete", key, null, null))),
				"write key '" + key + "'", (answer) -> {
					if (answer.status != 200) {
						throw answer.failure(answer.status, answer.rolledBack());
					}
					return true;
				});
	}

	private <T> T call(HttpMethod method, String pathAndQuery, @Nullable Object body, String action, Reader<T> reader) {
		RestClient.RequestBodySpec request = this.rest.method(method).uri(URI.create(this.baseUrl + pathAndQuery));
		if (this.token != null) {
			request.header("X-Consul-Token", this.token);
		}
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		try {
			return request.exchangeForRequiredValue((req, response) -> reader.read(new Answer(response, action)), true);
		}
		catch (ResourceAccessException ex) {
			throw new ConsulApiException(
					"Consul at " + this.baseUrl + " could not be reached (" + method + " "
							+ pathAndQuery.replaceAll("\\?.*", "") + "): " + ex.getMessage(),
					ConsulApiException.NO_ANSWER, ex);
		}
		catch (RestClientException ex) {
			throw new ConsulApiException("Consul at " + this.baseUrl + " gave an answer to " + action
					+ " that distlock could not read: " + ex.getMessage(), 200, ex);
		}
	}

	private static String kvPath(String key) {
		return "/v1/kv/" + UriUtils.encodePath(key, StandardCharsets.UTF_8);
	}

	private static String blocking(long index, Duration wait) {
		// A zero wait would mean Consul's default of five minutes.
		return (index <= 0) ? "" : "?index=" + index + "&wait=" + Math.max(1, wait.toMillis()) + "ms";
	}

	@FunctionalInterface
	private interface Reader<T> {

		T read(Answer answer) throws IOException;

	}

	/**
	 * One answer of Consul to a request made to do {@code action}, and the failure each
	 * status means.
	 */
	private final class Answer {

		private final ConvertibleClientHttpResponse response;

		private final String action;

		final int status;

		Answer(ConvertibleClientHttpResponse response, String action) throws IOException {
			this.response = response;
			this.action = action;
			this.status = response.getStatusCode().value();
		}

		/** Whether the status is 200; any other is the failure it means. */
		boolean ok() throws IOException {
			if (this.status != 200) {
				throw failure(this.status, text());
			}
			return true;
		}

		/**
		 * The body as {@code type}, when the status is 200; otherwise the failure the
		 * status means.
		 */
		<T> @Nullable T ok(Class<T> type) throws IOException {
			ok();
			T body = this.response.bodyTo(type);
			return (body instanceof String text) ? type.cast(text.strip()) : body;
		}

		/**
		 * The first error of a transaction Consul rolled back (409), or {@code null} when
		 * it listed none; a permission denied inside the transaction is a refused token,
		 * and any other status a failure.
		 */
		@Nullable String rolledBack() throws IOException {
			if (this.status != 409) {
				throw failure(this.status, text());
			}
			Transaction answer = this.response.bodyTo(Transaction.class);
			String what = (answer != null && answer.errors() != null && !answer.errors().isEmpty())
					? answer.errors().get(0).what() : null;
			if (what != null && (what.contains("Permission denied") || what.contains("ACL not found"))) {
				throw failure(403, what);
			}
			return what;
		}

		long index() {
			String value = this.response.getHeaders().getFirst("X-Consul-Index");
			try {
				return (value != null) ? Long.parseUnsignedLong(value.strip()) : 0;
			}
			catch (NumberFormatException ex) {
				return 0;
			}
		}

		ConsulApiException failure(int status, @Nullable String answer) {
			String verb = (status >= 500) ? " failed to "
					: (status == 403) ? " refused to " : " rejected the request to ";
			String message = "Consul at " + ConsulApi.this.baseUrl + verb + this.action + " (HTTP " + status
					+ ((answer != null && !answer.isBlank()) ? ": " + answer : "") + ")";
			if (status == 403) {
				message += (ConsulApi.this.token != null) ? "; the ACL token is unknown or lacks permission"
						: "; no ACL token is configured and the agent's default policy denies it";
			}
			return new ConsulApiException(message, status, null);
		}

		private String text() throws IOException {
			return new String(this.response.getBody().readAllBytes(), StandardCharsets.UTF_8).strip();
		}

	}

	/**
	 * A value read with the index to block on for its next change. The index is at least
	 * 1, as Consul asks of clients: an index of 0 would make the next query return at
	 * once instead of blocking.
	 */
	record Indexed<T>(long index, T value) {

		Indexed {
			index = Math.max(1, index);
		}

	}

	/**
	 * What a lock transaction achieved; {@code modifyIndex} is the entry's index when
	 * acquired.
	 */
	record Acquisition(Outcome outcome, long modifyIndex) {

		enum Outcome {

			ACQUIRED, HELD, LOCK_DELAY, INVALID_SESSION

		}

	}

	// Consul's JSON, as far as locks read and write it.

	@JsonIgnoreProperties(ignoreUnknown = true)
	record SessionId(@JsonProperty("ID") @Nullable String id) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Entry(@JsonProperty("Session") @Nullable String session, @JsonProperty("ModifyIndex") long modifyIndex) {
	}

	record Operation(@JsonProperty("KV") KvOperation kv) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record KvOperation(@JsonProperty("Verb") String verb, @JsonProperty("Key") String key,
			@JsonProperty("Session") @Nullable String session, @JsonProperty("Value") @Nullable String value) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Transaction(@JsonProperty("Results") @Nullable List<Result> results,
			@JsonProperty("Errors") @Nullable List<Failure> errors) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Result(@JsonProperty("KV") @Nullable Entry kv) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Failure(@JsonProperty("What") @Nullable String what) {
	}

}
