package io.github.distlock.actuate;

import io.github.distlock.Leadership;
import io.github.distlock.core.DefaultLockTemplate;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the lock backend, how many locks are held and the roles this instance leads;
 * when the backend can check its connection, a failed check reports DOWN.
 */
public class DistlockHealthIndicator extends AbstractHealthIndicator {

	private final DefaultLockTemplate lockManager;

	private final @Nullable Leadership leadership;

	/**
	 * Creates the indicator for a lock template.
	 */
	public DistlockHealthIndicator(DefaultLockTemplate lockManager) {
		this(lockManager, null);
	}

	/**
	 * Creates the indicator for a lock template, also showing the roles this instance
	 * leads ({@code leaderOf}).
	 */
	public DistlockHealthIndicator(DefaultLockTemplate lockManager, @Nullable Leadership leadership) {
		super("distlock health check failed");
		this.lockManager = lockManager;
		this.leadership = leadership;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("backend", this.lockManager.backendName())
			.withDetail("heldLocks", this.lockManager.heldLocks().size());
		if (this.leadership != null) {
			builder.withDetail("leaderOf", this.leadership.leadingRoles());
		}
		boolean checked = this.lockManager.checkConnection();
		builder.withDetail("connectionChecked", checked).up();
	}

}
