package io.github.distlock.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Leadership settings, under {@code distlock.leadership.*}.
 */
@ConfigurationProperties("distlock.leadership")
public class DistlockLeadershipProperties {

	/**
	 * Lease time of the role locks: how long a crashed or cut-off leader keeps its roles.
	 * When unset, distlock.default-ttl.
	 */
	private @Nullable Duration ttl;

	/**
	 * Roles this instance campaigns for from startup, besides those named in @LeaderOnly.
	 */
	private List<String> roles = new ArrayList<>();

	public @Nullable Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(@Nullable Duration ttl) {
		if (ttl != null && ttl.compareTo(DistlockProperties.MIN_DEFAULT_TTL) < 0) {
			throw new InvalidPropertyValueException("distlock.leadership.ttl", null,
					"distlock.leadership.ttl must be a positive duration of at least 1s, but was "
							+ DistlockProperties.text(ttl),
					"a duration of 1s or more, or no value for distlock.default-ttl", "10s");
		}
		this.ttl = ttl;
	}

	public List<String> getRoles() {
		return this.roles;
	}

	public void setRoles(List<String> roles) {
		this.roles = roles;
	}

}
