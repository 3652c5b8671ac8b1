package io.github.distlock.actuate;

import io.github.distlock.core.DefaultLockTemplate;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the lock backend and how many locks are held; when the backend can check its
 * connection, a failed check reports DOWN.
 */
public class DistlockHealthIndicator extends AbstractHealthIndicator {

	private final DefaultLockTemplate lockManager;

	/**
	 * Creates the indicator for a lock template.
	 */
	public DistlockHealthIndicator(DefaultLockTemplate lockManager) {
		super("distlock health check failed");
		this.lockManager = lockManager;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("backend", this.lockManager.backendName())
			.withDetail("heldLocks", this.lockManager.heldLocks().size());
		boolean checked = this.lockManager.checkConnection();
		builder.withDetail("connectionChecked", checked).up();
	}

}
