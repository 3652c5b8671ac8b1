package io.github.distlock.it.etcd;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.github.distlock.it.contract.LockBackendContractTests;
import io.github.distlock.it.servers.EtcdServer;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.spi.LockBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend contract against a real etcd server, once per etcd version (the subclasses
 * choose it with {@link io.github.distlock.it.servers.EtcdVersion}). A loss is forced the
 * way etcd loses locks: the holder's lease is revoked on the server.
 */
@ExtendWith(RealServersExtension.class)
abstract class EtcdBackendContractIT extends LockBackendContractTests {

	private EtcdServer etcd;

	private Client admin;

	@BeforeEach
	void connect(EtcdServer etcd) {
		this.etcd = etcd;
		this.admin = EtcdTestSupport.client(etcd);
	}

	@AfterEach
	void disconnect() {
		this.admin.close();
	}

	@Override
	protected LockBackend newClient() {
		return EtcdTestSupport.backend(this.etcd);
	}

	@Override
	protected void forceLoss(LockBackend holder, String encodedKey) throws Exception {
		List<KeyValue> queue = EtcdTestSupport.queue(this.admin, encodedKey);
		assertThat(queue).as("the holder's key").isNotEmpty();
		this.admin.getLeaseClient().revoke(queue.get(0).getLease()).get(10, TimeUnit.SECONDS);
	}

	/**
	 * etcd leases count whole seconds, and etcd grants at least 2 of them with default
	 * settings.
	 */
	@Override
	protected Duration shortTtl() {
		return Duration.ofSeconds(2);
	}

}
