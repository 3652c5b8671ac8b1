package io.github.distlock.actuate;

import java.util.List;

import io.github.distlock.core.HeldLock;
import io.github.distlock.core.DefaultLockTemplate;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/distlock}: the backend and the locks this instance holds, with their
 * fencing tokens and remaining local validity.
 */
@Endpoint(id = "distlock")
public class DistlockEndpoint {

	private final DefaultLockTemplate lockManager;

	/**
	 * Creates the endpoint for a lock manager.
	 */
	public DistlockEndpoint(DefaultLockTemplate lockManager) {
		this.lockManager = lockManager;
	}

	/**
	 * The current locks.
	 */
	@ReadOperation
	public LocksDescriptor locks() {
		return new LocksDescriptor(this.lockManager.backendName(), this.lockManager.heldLocks());
	}

	/**
	 * What the endpoint returns.
	 *
	 * @param backend the backend's name
	 * @param locks the locks held by this instance
	 */
	public record LocksDescriptor(String backend, List<HeldLock> locks) {
	}

}
