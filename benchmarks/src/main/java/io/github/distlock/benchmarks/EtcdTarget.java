package io.github.distlock.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.distlock.backend.etcd.EtcdLockBackend;
import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.benchmarks.harness.TryLock;
import io.github.distlock.it.servers.EtcdServer;
import io.github.distlock.it.servers.ServerKind;
import io.github.distlock.it.servers.ServerOptions;
import io.github.distlock.it.servers.Servers;
import io.github.distlock.spi.LockBackend;

/**
 * etcd 3.5 on loopback. The floor is the cheapest correct raw lock: a put-if-absent
 * transaction ({@code createRevision == 0}) attached to a lease granted when the instance
 * is made, then a delete; each floor instance has its own jetcd client and lease. The
 * polling evidence is etcd's own count of gRPC calls during distlock's last scenario.
 */
public final class EtcdTarget implements BenchmarkTarget {

	private static final Pattern STARTED = Pattern
		.compile("^grpc_server_started_total\\{grpc_method=\"(\\w+)\",[^}]*} (\\S+)$", Pattern.MULTILINE);

	private final EtcdServer etcd = Servers.etcd(ServerKind.ETCD_3_5, ServerOptions.defaults());

	private final HttpClient http = HttpClient.newHttpClient();

	private Map<String, Long> callsAtStart = Map.of();

	@Override
	public String name() {
		return "etcd";
	}

	@Override
	public String floorDescription() {
		return "jetcd txn put-if-absent on a pre-granted lease + delete";
	}

	@Override
	public LockClient newFloorClient() throws Exception {
		Client floor = Client.builder().endpoints(this.etcd.endpoint()).build();
		// Long enough for the whole run, so the floor needs no keepalive.
		long lease = floor.getLeaseClient().grant(3600).get(10, TimeUnit.SECONDS).getID();
		TryLock tryLock = (key) -> {
			ByteSequence name = ByteSequence.from("floor/" + key, StandardCharsets.UTF_8);
			boolean acquired = floor.getKVClient()
				.txn()
				.If(new Cmp(name, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
				.Then(Op.put(name, ByteSequence.EMPTY, PutOption.builder().withLeaseId(lease).build()))
				.commit()
				.get(10, TimeUnit.SECONDS)
				.isSucceeded();
			return acquired ? Optional.of(() -> floor.getKVClient().delete(name).get(10, TimeUnit.SECONDS))
					: Optional.empty();
		};
		return tryLock.retryingClient(floor::close);
	}

	@Override
	public LockBackend newBackend() throws Exception {
		// A scenario creates its backends just before it starts: count calls from here.
		this.callsAtStart = grpcCalls();
		return new EtcdLockBackend(Client.builder().endpoints(this.etcd.endpoint()).build(), true, "distlock-bench",
				Duration.ofSeconds(5));
	}

	@Override
	public List<Long> serverPids() {
		return List.of(this.etcd.pid());
	}

	@Override
	public Optional<String> peerEndpoint() {
		return Optional.of(this.etcd.endpoint());
	}

	@Override
	public String pollingEvidence() throws Exception {
		Map<String, Long> now = grpcCalls();
		Map<String, Long> delta = new TreeMap<>();
		now.forEach((method, count) -> {
			long calls = count - this.callsAtStart.getOrDefault(method, 0L);
			if (calls > 0) {
				delta.put(method, calls);
			}
		});
		return "etcd gRPC calls during the run " + delta
				+ " (per acquisition: queue txn, queue read, watch, release txn; no polling)";
	}

	/** etcd's count of started gRPC calls per method, from its Prometheus endpoint. */
	private Map<String, Long> grpcCalls() throws Exception {
		String metrics = this.http
			.send(HttpRequest.newBuilder(URI.create(this.etcd.endpoint() + "/metrics")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		Map<String, Long> calls = new TreeMap<>();
		Matcher matcher = STARTED.matcher(metrics);
		while (matcher.find()) {
			calls.merge(matcher.group(1), (long) Double.parseDouble(matcher.group(2)), Long::sum);
		}
		return calls;
	}

	@Override
	public void close() {
		this.etcd.close();
	}

}
