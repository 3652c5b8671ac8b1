package io.github.distlock.it.etcd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.github.distlock.backend.etcd.EtcdLockBackend;
import io.github.distlock.it.servers.EtcdServer;

/**
 * What the etcd tests share: how a test makes a backend, and raw reads of the lock keys
 * on the server.
 */
final class EtcdTestSupport {

	static final String NAMESPACE = "distlock-it";

	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

	private EtcdTestSupport() {
	}

	/** A backend with a client of its own, as one application instance. */
	static EtcdLockBackend backend(EtcdServer etcd) {
		return new EtcdLockBackend(client(etcd), true, NAMESPACE, REQUEST_TIMEOUT);
	}

	static Client client(EtcdServer etcd) {
		return Client.builder().endpoints(etcd.endpoint()).build();
	}

	/**
	 * The keys queued under a lock ({@code <namespace>/<encoded key>/<lease>}), oldest
	 * first.
	 */
	static List<KeyValue> queue(Client client, String encodedKey) throws Exception {
		GetOption byCreation = GetOption.builder()
			.isPrefix(true)
			.withSortField(GetOption.SortTarget.CREATE)
			.withSortOrder(GetOption.SortOrder.ASCEND)
			.build();
		return client.getKVClient()
			.get(bytes(NAMESPACE + "/" + encodedKey + "/"), byCreation)
			.get(10, TimeUnit.SECONDS)
			.getKvs();
	}

	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
