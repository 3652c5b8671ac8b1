package io.github.distlock.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.distlock.backend.consul.ConsulApi;
import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.benchmarks.harness.TryLock;
import io.github.distlock.it.servers.ConsulServer;
import io.github.distlock.it.servers.ServerOptions;
import io.github.distlock.it.servers.Servers;
import io.github.distlock.spi.LockBackend;

/**
 * Consul 1.8 in dev mode. The floor is what the seed article does by hand, independent of
 * distlock and Spring: one reused JDK {@link HttpClient} per instance, blocking
 * {@code send}, {@code PUT /v1/kv/<key>?acquire=<session>} and {@code ?release=<session>}
 * with a session created with the instance, no fencing token read. Consul has no peer in
 * the benchmark.
 */
public final class ConsulTarget implements BenchmarkTarget {

	private static final Pattern SESSION_ID = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"");

	private final ConsulServer consul = Servers.consul(ServerOptions.defaults());

	private final byte[] floorValue = "{\"holder\":\"benchmark-floor\"}".getBytes(StandardCharsets.UTF_8);

	/**
	 * Requests per distlock client, by kind.
	 */
	private final List<Counts> counts = new CopyOnWriteArrayList<>();

	@Override
	public String name() {
		return "consul";
	}

	@Override
	public String floorDescription() {
		return "JDK HttpClient PUT kv ?acquire= + ?release= on a session made in the warm-up";
	}

	/**
	 * A floor instance. A Consul session holds a key re-entrantly ({@code ?acquire=} by
	 * the holder's own session answers {@code true} again), so each thread of the
	 * instance gets its own session, created on its first acquisition, as a thread of the
	 * seed article's code would.
	 */
	@Override
	public LockClient newFloorClient() {
		HttpClient floor = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		Map<Thread, String> sessions = new ConcurrentHashMap<>();
		TryLock tryLock = (key) -> {
			String session = sessions.get(Thread.currentThread());
			if (session == null) {
				session = createSession(floor);
				sessions.put(Thread.currentThread(), session);
			}
			String path = "/v1/kv/bench-floor/" + key;
			if (!"true".equals(floorPut(floor, path + "?acquire=" + session, this.floorValue).strip())) {
				return Optional.empty();
			}
			String holder = session;
			return Optional.of(() -> {
				String released = floorPut(floor, path + "?release=" + holder, null);
				if (!"true".equals(released.strip())) {
					throw new IllegalStateException("floor release of " + key + " answered " + released);
				}
			});
		};
		return tryLock.retryingClient(() -> {
			for (String session : sessions.values()) {
				floorPut(floor, "/v1/session/destroy/" + session, null);
			}
		});
	}

	private String createSession(HttpClient floor) throws IOException, InterruptedException {
		String created = floorPut(floor, "/v1/session/create",
				"{\"TTL\":\"86400s\",\"Name\":\"benchmark floor\"}".getBytes(StandardCharsets.UTF_8));
		Matcher id = SESSION_ID.matcher(created);
		if (!id.find()) {
			throw new IllegalStateException("No session ID in " + created);
		}
		return id.group(1);
	}

	private String floorPut(HttpClient floor, String path, byte[] body) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.consul.httpUrl() + path))
			.timeout(Duration.ofSeconds(10))
			.PUT((body != null) ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody())
			.build();
		HttpResponse<String> response = floor.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("PUT " + path + ": HTTP " + response.statusCode() + " " + response.body());
		}
		return response.body();
	}

	@Override
	public LockBackend newBackend() {
		Counts counter = new Counts();
		this.counts.add(counter);
		ConsulApi api = new ConsulApi(this.consul.httpUrl(), ConsulApi.httpClient(null), null)
			.observing((request) -> counter.count(request.method(), request.uri()));
		return new ConsulLockBackend(api, ConsulLockSettings.defaults().withKeyPrefix("bench"));
	}

	@Override
	public List<Long> serverPids() {
		return List.of(this.consul.pid());
	}

	@Override
	public String pollingEvidence() {
		Counts total = new Counts();
		this.counts.forEach(total::add);
		return "HTTP requests of all distlock clients so far: " + total.transactions + " lock transactions, "
				+ total.releases + " releases, " + total.blockingReads + " blocking key reads (each parks on the "
				+ "server until the key changes), " + total.plainReads + " plain key reads, " + total.other
				+ " session requests";
	}

	@Override
	public void close() {
		this.consul.close();
	}

	private static final class Counts {

		final AtomicLong transactions = new AtomicLong();

		final AtomicLong releases = new AtomicLong();

		final AtomicLong blockingReads = new AtomicLong();

		final AtomicLong plainReads = new AtomicLong();

		final AtomicLong other = new AtomicLong();

		void count(String method, URI uri) {
			String path = uri.getRawPath();
			if (path.equals("/v1/txn")) {
				this.transactions.incrementAndGet();
			}
			else if (method.equals("PUT") && path.startsWith("/v1/kv/")) {
				this.releases.incrementAndGet();
			}
			else if (method.equals("GET") && path.startsWith("/v1/kv/")) {
				String query = uri.getRawQuery();
				((query != null && query.contains("index=")) ? this.blockingReads : this.plainReads).incrementAndGet();
			}
			else {
				this.other.incrementAndGet();
			}
		}

		void add(Counts counts) {
			this.transactions.addAndGet(counts.transactions.get());
			this.releases.addAndGet(counts.releases.get());
			this.blockingReads.addAndGet(counts.blockingReads.get());
			this.plainReads.addAndGet(counts.plainReads.get());
			this.other.addAndGet(counts.other.get());
		}

	}

}
