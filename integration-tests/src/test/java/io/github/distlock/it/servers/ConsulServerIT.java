package io.github.distlock.it.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that {@link RealServersExtension} gives tests a real, controllable Consul agent.
 */
@ExtendWith(RealServersExtension.class)
class ConsulServerIT {

	private static final String TOKEN = "it-master-token";

	private static final Duration SHORT = Duration.ofMillis(400);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	@Test
	void sharedAgentHasALeaderAndStoresKeys(ConsulServer consul) throws Exception {
		HttpResponse<String> leader = get(consul, "/v1/status/leader", null, Duration.ofSeconds(5));
		assertThat(leader.statusCode()).isEqualTo(200);
		assertThat(leader.body()).startsWith("\"127.0.0.1:").isNotEqualTo("\"\"");

		String key = "/v1/kv/it/" + UUID.randomUUID();
		assertThat(put(consul, key, "v", null).body()).isEqualToIgnoringWhitespace("true");
		assertThat(get(consul, key + "?raw", null, Duration.ofSeconds(5)).body()).isEqualTo("v");

		HttpResponse<String> version = get(consul, "/v1/agent/self", null, Duration.ofSeconds(5));
		assertThat(version.body()).containsPattern("\"Version\":\\s*\"1\\.8\\.");
	}

	@Test
	void aclConfigPauseResumeKillAndRestart(
			@Dedicated(config = "acl { enabled = true, default_policy = \"deny\", tokens { master = \"" + TOKEN
					+ "\" } }") ConsulServer consul)
			throws Exception {
		int port = consul.port();
		assertThat(put(consul, "/v1/kv/a", "1", null).statusCode()).as("anonymous write is denied").isEqualTo(403);
		assertThat(put(consul, "/v1/kv/a", "1", TOKEN).body()).isEqualToIgnoringWhitespace("true");

		consul.pause();
		assertThatThrownBy(() -> get(consul, "/v1/status/leader", null, SHORT))
			.isInstanceOf(HttpTimeoutException.class);

		consul.resume();
		assertThat(get(consul, "/v1/kv/a?raw", TOKEN, Duration.ofSeconds(5)).body()).isEqualTo("1");

		consul.kill();
		assertThatThrownBy(() -> get(consul, "/v1/status/leader", null, SHORT)).isInstanceOf(ConnectException.class);

		consul.restart();
		assertThat(consul.port()).isEqualTo(port);
		// Dev mode keeps state in memory only: the key is gone, the configured master
		// token is back.
		assertThat(get(consul, "/v1/kv/a", TOKEN, Duration.ofSeconds(5)).statusCode()).isEqualTo(404);
		assertThat(put(consul, "/v1/kv/a", "2", TOKEN).body()).isEqualToIgnoringWhitespace("true");
		assertThat(put(consul, "/v1/kv/a", "2", null).statusCode()).isEqualTo(403);
	}

	private HttpResponse<String> get(ConsulServer consul, String path, String token, Duration timeout)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(consul.httpUrl() + path))
			.timeout(timeout)
			.GET();
		if (token != null) {
			request.header("X-Consul-Token", token);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> put(ConsulServer consul, String path, String value, String token)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(consul.httpUrl() + path))
			.timeout(Duration.ofSeconds(5))
			.PUT(HttpRequest.BodyPublishers.ofString(value));
		if (token != null) {
			request.header("X-Consul-Token", token);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
