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

import io.github.distlock.backend.consul.ConsulApi;
import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.it.servers.ConsulServer;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.web.util.UriUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Consul tests do to the agent behind the backend's back, in plain JDK HTTP so that it shares
 * no code with the backend: find a key's session, destroy sessions, register and fail checks, manage ACLs.
 */
final class ConsulAgent {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

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
		String url = this.server.httpUrl();
		return new ConsulLockBackend(new ConsulApi(url, ConsulApi.restClientBuilder(null).build(), token), settings);
	}

	/** The session holding {@code key}, or {@code null}. */
	String holderSession(String key) {
		HttpResponse<String> response = send("GET", "/v1/kv/" + UriUtils.encodePath(key, StandardCharsets.UTF_8),
				null);
		if (response.statusCode() == 404) {
			return null;
		}
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Object session = ((Map<?, ?>) JsonParserFactory.getJsonParser().parseList(response.body()).get(0))
			.get("Session");
		return (session instanceof String id && !id.isEmpty()) ? id : null;
	}

	/** Whether {@code key} exists. */
	boolean exists(String key) {
		return send("GET", "/v1/kv/" + UriUtils.encodePath(key, StandardCharsets.UTF_8), null).statusCode() == 200;
	}

	/** Destroys the session holding {@code key}, as an operator would, and returns its ID. */
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

	/** Creates an ACL policy with the given rules and a token for it; returns the token's secret. */
	String createToken(String policyName, String rules) {
		String policy = "{\"Name\":\"" + policyName + "\",\"Rules\":" + quote(rules) + "}";
		expectOk(send("PUT", "/v1/acl/policy", policy));
		HttpResponse<String> response = send("PUT", "/v1/acl/token",
				"{\"Policies\":[{\"Name\":\"" + policyName + "\"}]}");
		expectOk(response);
		return (String) JsonParserFactory.getJsonParser().parseMap(response.body()).get("SecretID");
	}

	/** The sessions the agent's node has. */
	List<Object> sessions() {
		HttpResponse<String> response = send("GET", "/v1/session/list", null);
		expectOk(response);
		return JsonParserFactory.getJsonParser().parseList(response.body());
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
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
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
