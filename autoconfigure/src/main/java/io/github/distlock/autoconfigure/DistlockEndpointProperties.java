package io.github.distlock.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code distlock} actuator endpoint, under
 * {@code management.endpoint.distlock.*}.
 */
@ConfigurationProperties("management.endpoint.distlock")
public class DistlockEndpointProperties {

	/**
	 * When to show the evaluated lock keys, which can carry user data; otherwise they are
	 * masked.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles used to determine whether a user is authorized to see the lock keys; when
	 * empty, every authenticated user is.
	 */
	private Set<String> roles = new LinkedHashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

}
