package io.github.distlock.it.consul;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.distlock.backend.consul.ConsulApi;
import org.springframework.web.client.RestClient;

/**
 * The HTTP requests a backend sent, recorded by an initializer on its client:
 * initializers, unlike interceptors, also see the requests the backend sends
 * asynchronously (renewals, session watches).
 */
final class RequestLog {

	private final List<String> requests = new CopyOnWriteArrayList<>();

	/** A client like the backend's own, recording every request. */
	RestClient client() {
		return ConsulApi.restClientBuilder(null).requestInitializer((request) -> {
			URI uri = request.getURI();
			this.requests.add(request.getMethod() + " " + uri.getRawPath()
					+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : ""));
		}).build();
	}

	int size() {
		return this.requests.size();
	}

	/** The requests from the {@code from}th on. */
	List<String> since(int from) {
		return List.copyOf(this.requests.subList(from, this.requests.size()));
	}

	/** How many requests from the {@code from}th on were blocking reads of a key. */
	long blockingReadsSince(int from) {
		return since(from).stream()
			.filter((request) -> request.startsWith("GET /v1/kv/") && request.contains("index="))
			.count();
	}

}
