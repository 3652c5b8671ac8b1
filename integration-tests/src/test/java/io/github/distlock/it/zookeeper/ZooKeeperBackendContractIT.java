package io.github.distlock.it.zookeeper;

import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.it.contract.LockBackendContractTests;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.ZooKeeperServer;
import io.github.distlock.spi.LockBackend;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ZooKeeper backend passes the contract against a real (in-process) ZooKeeper server.
 * A forced loss is the holder's session expiring on the server.
 */
@ExtendWith(RealServersExtension.class)
class ZooKeeperBackendContractIT extends LockBackendContractTests {

	private final ZooKeeperServer server;

	ZooKeeperBackendContractIT(ZooKeeperServer server) {
		this.server = server;
	}

	@Override
	protected LockBackend newClient() throws Exception {
		return ZooKeeperTestClients.backend(this.server, ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
	}

	@Override
	protected void forceLoss(LockBackend holder, String encodedKey) throws Exception {
		this.server.expireSession(((ZooKeeperLockBackend) holder).client());
	}

}
