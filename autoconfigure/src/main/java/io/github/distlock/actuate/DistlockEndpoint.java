package io.github.distlock.actuate;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import io.github.distlock.Leadership;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.HeldLock;
import io.github.distlock.core.LostLock;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/distlock}: the backend, the locks this instance holds (fencing token,
 * owning thread, when acquired, remaining local validity, renewals), its last losses and
 * the roles it leads; and, only where {@code management.endpoint.distlock.access} is
 * {@code unrestricted}, a write operation that takes a held lock away from its holder.
 * Evaluated keys can carry user data, so they are masked unless
 * {@code management.endpoint.distlock.show-values} allows them, as Spring Boot's
 * {@code env} and {@code configprops} endpoints do with their values.
 */
@Endpoint(id = "distlock", defaultAccess = Access.READ_ONLY)
public class DistlockEndpoint {

	static final String MASK = "******";

	static final String RELEASE_REASON = "released by an operator through the distlock actuator endpoint";

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
	 * The current locks, the recent losses and the roles led, their keys masked unless
	 * the caller may see them.
	 */
	@ReadOperation
	public LocksDescriptor locks(SecurityContext securityContext) {
		boolean show = this.showValues.isShown(securityContext, this.roles);
		List<LostLock> losses = this.lockManager.inventory()
			.recentLosses()
			.stream()
			.map((loss) -> show ? loss : loss.withKey(MASK))
			.toList();
		return new LocksDescriptor(this.lockManager.backendName(), masked(this.lockManager.heldLocks(), show), losses,
				(this.leadership != null) ? List.copyOf(this.leadership.leadingRoles()) : List.of());
	}

	/**
	 * Takes a lock held by this instance away from its holder: the holder is told it lost
	 * the lock (its lost-lock policy, {@code onLost} callbacks, metrics and the
	 * {@code LockLostEvent}), and then the lock is released on the server. A lock is
	 * chosen by its fencing token (shown even when keys are masked), by its key, or by
	 * both.
	 */
	@WriteOperation
	public ReleasedDescriptor release(SecurityContext securityContext, @Nullable String key,
			@Nullable Long fencingToken) {
		if (key == null && fencingToken == null) {
			throw new InvalidEndpointRequestException("Give the fencingToken or the key of the lock to release",
					"neither fencingToken nor key given");
		}
		Predicate<HeldLock> chosen = (held) -> (key == null || held.key().equals(key))
				&& (fencingToken == null || held.fencingToken() == fencingToken);
		List<HeldLock> released = this.lockManager.inventory().forceRelease(chosen, RELEASE_REASON);
		return new ReleasedDescriptor(masked(released, this.showValues.isShown(securityContext, this.roles)));
	}

	private static List<HeldLock> masked(List<HeldLock> locks, boolean show) {
		return locks.stream().map((held) -> show ? held : held.withKey(MASK)).toList();
	}

	/**
	 * What the read operation returns.
	 *
	 * @param backend the backend's name
	 * @param locks the locks held by this instance
	 * @param recentLosses the last locks this instance lost while holding them, newest
	 * first
	 * @param leaderOf the roles this instance leads
	 */
	public record LocksDescriptor(String backend, List<HeldLock> locks, List<LostLock> recentLosses,
			List<String> leaderOf) {
	}

	/**
	 * What the write operation returns.
	 *
	 * @param released the locks that were taken away and released; empty when none
	 * matched
	 */
	public record ReleasedDescriptor(List<HeldLock> released) {
	}

}
