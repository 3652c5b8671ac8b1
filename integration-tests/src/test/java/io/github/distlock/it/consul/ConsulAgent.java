package io.github.distlock.it.consul;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.distlock.backend.consul.ConsulApi;
import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.it.servers.ConsulServer;
import org.springframework.boot.json.BasicJsonParser;
import org.springframework.boot.json.JsonParser;
import org.springframework.web.util.UriUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Consul tests do to the agent behind the backend's back, in plain JDK HTTP so
 * that it shares no code with the backend: find a key's session, destroy sessions,
 * register and fail checks, manage ACLs.
 */
final class ConsulAgent {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	/**
	 * Boot's own parser, not the classpath's Jackson, so that the tests see the same
	 * value types (numbers as Long) whatever JSON library the backend uses.
	 */
	private static final JsonParser JSON = new BasicJsonParser();

	private static final Pattern SESSION = Pattern.compile("\"Session\"\\s*:\\s*\"([0-9a-f-]+)\"");

	private final ConsulServer server;

	private final String token;

	ConsulAgent(ConsulServer server) {
		this(server, null);
	}

	ConsulAgent(ConsulServer server, String token) {
		this.server = server;
		this.token = token;
	}

	/** A backend client of this agent. */
	ConsulLockBackend backend(ConsulLockSettings settings) {
		return backend(settings, this.token);
	}

	/** A backend client of this agent with the given token. */
	ConsulLockBackend backend(ConsulLockSettings settings, String token) {
		return new ConsulLockBackend(api(token), settings);
	}

	/** A backend client of this agent whose requests {@code log} records. */
	ConsulLockBackend backend(ConsulLockSettings settings, RequestLog log) {
		return new ConsulLockBackend(log.recording(api(this.token)), settings);
	}

	/**
	 * A backend client of this agent whose sessions are also bound to
	 * {@code serviceCheck}.
	 */
	ConsulLockBackend backendBoundTo(ConsulLockSettings settings, String serviceCheck) {
		return new ConsulLockBackend(api(this.token), settings, () -> serviceCheck);
	}

	private ConsulApi api(String token) {
		return new ConsulApi(this.server.httpUrl(), ConsulApi.httpClient(null), token);
	}

	/** The session holding {@code key}, or {@code null}. */
	String holderSession(String key) {
		HttpResponse<String> response = send("GET", "/v1/kv/" + UriUtils.encodePath(key, StandardCharsets.UTF_8), null);
		if (response.statusCode() == 404) {
			return null;
		}
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		// A regex, not a JSON parser: only the session ID is needed.
		Matcher session = SESSION.matcher(response.body());
		return session.find() ? session.group(1) : null;
	}

	/** Whether {@code key} exists. */
	boolean exists(String key) {
		return send("GET", "/v1/kv/" + UriUtils.encodePath(key, StandardCharsets.UTF_8), null).statusCode() == 200;
	}

	/**
	 * Destroys the session holding {@code key}, as an operator would, and returns its ID.
	 */
	String destroyHolderSession(String key) {
		String session = holderSession(key);
		assertThat(session).as("a session holds " + key).isNotNull();
		destroySession(session);
		return session;
	}

	void destroySession(String session) {
		expectOk(send("PUT", "/v1/session/destroy/" + session, ""));
	}

	/** Registers a passing TTL check on the agent. */
	void registerTtlCheck(String id) {
		expectOk(send("PUT", "/v1/agent/check/register",
				"{\"ID\":\"" + id + "\",\"Name\":\"" + id + "\",\"TTL\":\"10m\",\"Status\":\"passing\"}"));
	}

	void failCheck(String id) {
		expectOk(send("PUT", "/v1/agent/check/fail/" + id + "?note=made+critical+by+the+test", ""));
	}

	void deregisterCheck(String id) {
		expectOk(send("PUT", "/v1/agent/check/deregister/" + id, ""));
	}

	/**
	 * Registers a service instance with one passing TTL check, as Spring Cloud Consul's
	 * heartbeat does; Consul names that check {@code service:<id>}.
	 */
	void registerService(String id) {
		expectOk(send("PUT", "/v1/agent/service/register", "{\"ID\":\"" + id + "\",\"Name\":\"distlock-it\","
				+ "\"Check\":{\"TTL\":\"10m\",\"Status\":\"passing\"}}"));
	}

	void deregisterService(String id) {
		expectOk(send("PUT", "/v1/agent/service/deregister/" + id, ""));
	}

	/**
	 * Creates an ACL policy with the given rules and a token for it; returns the token's
	 * secret.
	 */
	String createToken(String policyName, String rules) {
		String policy = "{\"Name\":\"" + policyName + "\",\"Rules\":" + quote(rules) + "}";
		expectOk(send("PUT", "/v1/acl/policy", policy));
		HttpResponse<String> response = send("PUT", "/v1/acl/token",
				"{\"Policies\":[{\"Name\":\"" + policyName + "\"}]}");
		expectOk(response);
		return (String) JSON.parseMap(response.body()).get("SecretID");
	}

	/** The sessions named {@code name}, as Consul describes them. */
	@SuppressWarnings("unchecked")
	List<Map<String, Object>> sessions(String name) {
		HttpResponse<String> response = send("GET", "/v1/session/list", null);
		expectOk(response);
		return JSON.parseList(response.body())
			.stream()
			.map((session) -> (Map<String, Object>) session)
			.filter((session) -> name.equals(session.get("Name")))
			.toList();
	}

	private static String quote(String text) {
		return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
	}

	private static void expectOk(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	private HttpResponse<String> send(String method, String path, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.server.httpUrl() + path))
			.timeout(Duration.ofSeconds(10))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (this.token != null) {
			request.header("X-Consul-Token", this.token);
		}
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

}
