package io.github.distlock.it.consul;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.distlock.backend.consul.ConsulApi;

/**
 * The HTTP requests a backend sent, blocking and asynchronous (renewals, session watches)
 * alike.
 */
final class RequestLog {

	private final List<String> requests = new CopyOnWriteArrayList<>();

	/** The given API, recording every request it sends. */
	ConsulApi recording(ConsulApi api) {
		return api.observing((request) -> {
			URI uri = request.uri();
			this.requests.add(request.method() + " " + uri.getRawPath()
					+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : ""));
		});
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
