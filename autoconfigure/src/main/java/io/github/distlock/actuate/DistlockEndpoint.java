package io.github.distlock.actuate;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import io.github.distlock.Leadership;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.HeldLock;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/distlock}: the backend and the locks this instance holds, with their
 * fencing tokens and remaining local validity, and the roles it leads. Evaluated keys can
 * carry user data, so they are masked unless
 * {@code management.endpoint.distlock.show-values} allows them, as Spring Boot's
 * {@code env} and {@code configprops} endpoints do with their values.
 */
@Endpoint(id = "distlock")
public class DistlockEndpoint {

	static final String MASK = "******";

	private final DefaultLockTemplate lockManager;

	private final Show showValues;

	private final Set<String> roles;

	private @Nullable Leadership leadership;

	/**
	 * Creates the endpoint for a lock template.
	 * @param showValues when the evaluated keys are shown
	 * @param roles the roles that may see them with {@link Show#WHEN_AUTHORIZED} (any
	 * authenticated user when empty)
	 */
	public DistlockEndpoint(DefaultLockTemplate lockManager, Show showValues, Collection<String> roles) {
		this.lockManager = lockManager;
		this.showValues = showValues;
		this.roles = Set.copyOf(roles);
	}

	/**
	 * Also lists the roles this instance leads ({@code leaderOf}).
	 */
	public void setLeadership(@Nullable Leadership leadership) {
		this.leadership = leadership;
	}

	/**
	 * The current locks, their keys masked unless the caller may see them.
	 */
	@ReadOperation
	public LocksDescriptor locks(SecurityContext securityContext) {
		boolean show = this.showValues.isShown(securityContext, this.roles);
		List<HeldLock> locks = this.lockManager.heldLocks()
			.stream()
			.map((held) -> show ? held
					: new HeldLock(MASK, held.name(), held.fencingToken(), held.heldFor(), held.validFor(),
							held.lostReason()))
			.toList();
		return new LocksDescriptor(this.lockManager.backendName(), locks,
				(this.leadership != null) ? List.copyOf(this.leadership.leadingRoles()) : List.of());
	}

	/**
	 * What the endpoint returns.
	 *
	 * @param backend the backend's name
	 * @param locks the locks held by this instance
	 * @param leaderOf the roles this instance leads
	 */
	public record LocksDescriptor(String backend, List<HeldLock> locks, List<String> leaderOf) {
	}

}
