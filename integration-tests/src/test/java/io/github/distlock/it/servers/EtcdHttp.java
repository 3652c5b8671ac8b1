package io.github.distlock.it.servers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to etcd's v3 JSON gateway with the JDK HTTP client, so the server tests depend on
 * nothing but the server (keys and values travel base64-encoded, as the gateway
 * requires).
 */
final class EtcdHttp {

	private static final Pattern VALUE = Pattern.compile("\"value\":\\s*\"([^\"]*)\"");

	private static final Pattern VERSION = Pattern.compile("\"version\":\\s*\"([^\"]*)\"");

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final String endpoint;

	private final Duration timeout;

	EtcdHttp(EtcdServer etcd, Duration timeout) {
		this.endpoint = etcd.endpoint();
		this.timeout = timeout;
	}

	String health() throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(endpoint + "/health")).timeout(timeout).GET().build());
	}

	void put(String key, String value) throws IOException, InterruptedException {
		post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
	}

	/** Returns the value, or {@code null} when the key does not exist. */
	String get(String key) throws IOException, InterruptedException {
		Matcher matcher = VALUE.matcher(post("/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}"));
		return matcher.find() ? new String(Base64.getDecoder().decode(matcher.group(1)), StandardCharsets.UTF_8) : null;
	}

	/** Returns the server version reported by the maintenance Status call. */
	String serverVersion() throws IOException, InterruptedException {
		Matcher matcher = VERSION.matcher(post("/v3/maintenance/status", "{}"));
		return matcher.find() ? matcher.group(1) : null;
	}

	private String post(String path, String json) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(endpoint + path))
			.timeout(timeout)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	private String send(HttpRequest request) throws IOException, InterruptedException {
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	private static String b64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

}
