package io.github.distlock.benchmarks.peers;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.distlock.benchmarks.harness.Contender;
import io.github.distlock.benchmarks.harness.Contender.Role;
import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.benchmarks.harness.TryLock;

/**
 * The etcd peer: jetcd's {@code Lock} client (etcd's server-side lock service), each
 * instance with its own jetcd client.
 */
final class EtcdPeers {

	/** Long enough for a whole run, so that no keepalive is needed (as for the floor). */
	private static final long LEASE_SECONDS = 3600;

	private EtcdPeers() {
	}

	static List<Contender> contenders(String endpoint) {
		return List.of(new Contender("jetcd Lock", Role.PEER,
				"lock(name; lease) + unlock(key); one pre-granted lease per thread", () -> lockClient(endpoint)));
	}

	/**
	 * A lock is owned by its lease, so two threads on one lease would both "hold" it:
	 * each thread gets its own, granted on its first acquisition.
	 */
	private static LockClient lockClient(String endpoint) {
		Client client = Client.builder().endpoints(endpoint).build();
		ThreadLocal<Long> leases = ThreadLocal.withInitial(() -> {
			try {
				return client.getLeaseClient().grant(LEASE_SECONDS).get(10, TimeUnit.SECONDS).getID();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while granting a lease", ex);
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("Cannot grant a lease", ex);
			}
		});
		return LockClient.of((key) -> {
			ByteSequence name = ByteSequence.from("jetcd-bench/" + key, StandardCharsets.UTF_8);
			ByteSequence owned = client.getLockClient()
				.lock(name, leases.get())
				.get(TryLock.WAIT_LIMIT.toSeconds(), TimeUnit.SECONDS)
				.getKey();
			return () -> client.getLockClient().unlock(owned).get(10, TimeUnit.SECONDS);
		}, client::close);
	}

}
