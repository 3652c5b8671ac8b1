package io.github.distlock.it.consul;

import java.time.Duration;

import io.github.distlock.backend.consul.ConsulLockBackend;
import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.it.contract.LockBackendContractTests;
import io.github.distlock.it.servers.ConsulServer;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.spi.LockBackend;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Consul backend passes the contract against a real Consul 1.8 agent. Consul's
 * shortest session ttl is 10s, and a holder that stops renewing keeps its lock until
 * Consul reaps the session (up to twice the ttl) plus the lock-delay; the clients use a
 * 1s lock-delay to keep the suite short.
 */
@ExtendWith(RealServersExtension.class)
class ConsulBackendContractIT extends LockBackendContractTests {

	private static final Duration LOCK_DELAY = Duration.ofSeconds(1);

	private static final ConsulLockSettings SETTINGS = ConsulLockSettings.defaults()
		.withKeyPrefix("distlock-it/contract")
		.withLockDelay(LOCK_DELAY);

	private final ConsulAgent agent;

	ConsulBackendContractIT(ConsulServer consul) {
		this.agent = new ConsulAgent(consul);
	}

	@Override
	protected LockBackend newClient() {
		return this.agent.backend(SETTINGS);
	}

	/**
	 * Destroys the holder's session from outside, as an operator (or a failed health
	 * check) would: Consul releases its keys and applies the lock-delay.
	 */
	@Override
	protected void forceLoss(LockBackend holder, String encodedKey) {
		this.agent.destroyHolderSession(((ConsulLockBackend) holder).settings().keyPrefix() + "/" + encodedKey);
	}

	@Override
	protected Duration shortTtl() {
		return ConsulLockSettings.MIN_TTL;
	}

	@Override
	protected Duration takeoverBound(Duration ttl) {
		return ttl.multipliedBy(2).plus(LOCK_DELAY).plusSeconds(5);
	}

}
