package io.github.distlock.backend.consul;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.distlock.backend.consul.ConsulJson.Entry;
import io.github.distlock.backend.consul.ConsulJson.KvOperation;
import io.github.distlock.backend.consul.ConsulJson.Operation;
import io.github.distlock.backend.consul.ConsulJson.SessionId;
import io.github.distlock.backend.consul.ConsulJson.Transaction;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkHttpClientBuilder;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestInitializer;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
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

	/** The bound of a renewal or destroy, sent without a thread waiting for it. */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Jackson 3, then Jackson 2: the JSON libraries the RestClient's default converters
	 * map records with.
	 */
	private static final List<String> JSON_LIBRARIES = List.of("tools.jackson.databind.json.JsonMapper",
			"com.fasterxml.jackson.databind.ObjectMapper");

	private final String baseUrl;

	private final RestClient rest;

	private final @Nullable String token;

	private final ConsulTransport transport;

	/**
	 * The client's initializers but the transport; they prepare asynchronous requests
	 * too.
	 */
	private final List<ClientHttpRequestInitializer> initializers = new ArrayList<>();

	/**
	 * The client's message converters, which map the answers of asynchronous requests
	 * too.
	 */
	private final List<HttpMessageConverter<?>> converters = new ArrayList<>();

	/**
	 * Creates the API over a client made by {@link #restClientBuilder}.
	 * @param baseUrl the agent's URL, such as {@code http://localhost:8500}, with Spring
	 * Cloud Consul's {@code path} if any
	 * @param token the ACL token, or {@code null} or blank for none
	 * @throws IllegalStateException when no JSON library is on the classpath
	 * @throws IllegalArgumentException when {@code rest} was not made by
	 * {@link #restClientBuilder}
	 */
	public ConsulApi(String baseUrl, RestClient rest, @Nullable String token) {
		if (!hasJsonLibrary(ConsulApi.class.getClassLoader())) {
			throw new IllegalStateException(missingJsonLibrary());
		}
		this.baseUrl = baseUrl.replaceAll("/+$", "");
		this.rest = rest;
		this.token = (token != null && !token.isBlank()) ? token.strip() : null;
		ConsulTransport[] transport = new ConsulTransport[1];
		rest.mutate().requestInitializers((all) -> all.forEach((initializer) -> {
			if (initializer instanceof ConsulTransport found) {
				transport[0] = found;
			}
			else {
				this.initializers.add(initializer);
			}
		})).messageConverters(this.converters::addAll);
		if (transport[0] == null) {
			throw new IllegalArgumentException("The RestClient must come from ConsulApi.restClientBuilder");
		}
		this.transport = transport[0];
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
		ConsulTransport transport = new ConsulTransport(client, READ_TIMEOUT);
		return RestClient.builder().requestFactory(transport).requestInitializer(transport);
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
	 * @return a stage completing with {@code false} when Consul answers 404: the session
	 * is gone
	 */
	CompletableFuture<Boolean> renewSession(String id) {
		return callAsync(HttpMethod.PUT, "/v1/session/renew/" + id, "renew session " + id, REQUEST_TIMEOUT,
				(answer) -> answer.status != 404 && answer.ok());
	}

	CompletableFuture<Boolean> destroySession(String id) {
		return callAsync(HttpMethod.PUT, "/v1/session/destroy/" + id, "destroy session " + id, REQUEST_TIMEOUT,
				ConsulAnswer::ok);
	}

	/**
	 * Whether the session exists, waiting up to {@code wait} for a change after
	 * {@code index} when {@code index} is positive. Consul hides sessions the token may
	 * not read, so "absent" alone does not prove the session is gone.
	 */
	CompletableFuture<Indexed<Boolean>> sessionVisible(String id, long index, Duration wait) {
		return callAsync(HttpMethod.GET, "/v1/session/info/" + id + blocking(index, wait), "read session " + id,
				READ_TIMEOUT, (answer) -> {
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
			return request.exchangeForRequiredValue((req, response) -> reader
				.read(new ConsulAnswer(response, action, this.baseUrl, this.token, this.converters)), true);
		}
		catch (ResourceAccessException ex) {
			throw unreachable(method, pathAndQuery, ex);
		}
		catch (RestClientException ex) {
			throw unreadable(action, ex);
		}
	}

	/**
	 * A request sent with {@link ConsulTransport#sendAsync}, prepared and answered like
	 * the client's.
	 */
	private <T> CompletableFuture<T> callAsync(HttpMethod method, String pathAndQuery, String action, Duration timeout,
			Reader<T> reader) {
		ClientHttpRequest request = this.transport.createRequest(URI.create(this.baseUrl + pathAndQuery), method);
		if (this.token != null) {
			request.getHeaders().set("X-Consul-Token", this.token);
		}
		this.initializers.forEach((initializer) -> initializer.initialize(request));
		return this.transport.sendAsync(request, timeout).handle((response, failure) -> {
			if (failure != null) {
				Throwable cause = ConsulTransport.unwrap(failure);
				throw unreachable(method, pathAndQuery, (cause instanceof Exception ex) ? ex : new IOException(cause));
			}
			try {
				return reader.read(new ConsulAnswer(response, action, this.baseUrl, this.token, this.converters));
			}
			catch (IOException | UncheckedIOException | IllegalArgumentException ex) {
				throw unreadable(action, ex);
			}
		});
	}

	private ConsulApiException unreachable(HttpMethod method, String pathAndQuery, Exception ex) {
		return new ConsulApiException(
				"Consul at " + this.baseUrl + " could not be reached (" + method + " "
						+ pathAndQuery.replaceAll("\\?.*", "") + "): " + ex.getMessage(),
				ConsulApiException.NO_ANSWER, ex);
	}

	private ConsulApiException unreadable(String action, Exception ex) {
		return new ConsulApiException("Consul at " + this.baseUrl + " gave an answer to " + action
				+ " that distlock could not read: " + ex.getMessage(), 200, ex);
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

		T read(ConsulAnswer answer) throws IOException;

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

}
