package io.github.distlock.it.local;

import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.backend.local.LocalLockStore;
import io.github.distlock.it.contract.LockBackendContractTests;
import io.github.distlock.spi.LockBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local backend passes the contract: its clients share one in-JVM store, as clients
 * share a server.
 */
class LocalBackendContractIT extends LockBackendContractTests {

	private final LocalLockStore store = new LocalLockStore();

	@Override
	protected LockBackend newClient() {
		return new LocalLockBackend(this.store);
	}

	@Override
	protected void forceLoss(LockBackend holder, String encodedKey) {
		assertThat(((LocalLockBackend) holder).forceRelease(encodedKey)).isTrue();
	}

}
