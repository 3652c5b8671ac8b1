package io.github.distlock.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.distlock.backend.consul.ConsulLockSettings;
import io.github.distlock.backend.consul.SessionBehavior;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Consul backend, under {@code distlock.consul.*}. The connection
 * itself (host, port, scheme, TLS) is Spring Cloud Consul's
 * {@code spring.cloud.consul.*}.
 */
@ConfigurationProperties("distlock.consul")
public class DistlockConsulProperties {

	/**
	 * KV folder under which lock keys are created; the ACL token needs write access to
	 * it.
	 */
	private String keyPrefix = "distlock";

	/**
	 * What Consul does with the lock keys of a session that is invalidated: release or
	 * delete them.
	 */
	private SessionBehavior sessionBehavior = SessionBehavior.RELEASE;

	/**
	 * How long Consul refuses to grant a lock after its holder's session was invalidated,
	 * from 0s to 60s: the time the former holder has to notice the loss before anyone
	 * else can lock.
	 */
	private Duration lockDelay = ConsulLockSettings.DEFAULT_LOCK_DELAY;

	/**
	 * Health check IDs on the local agent that sessions are bound to besides serfHealth;
	 * a check turning critical invalidates the session and frees its locks.
	 */
	private List<String> checks = new ArrayList<>();

	/**
	 * Whether to bind sessions to the health check of this application's own service
	 * registration (spring-cloud-consul-discovery), so that an unhealthy instance loses
	 * its locks.
	 */
	private boolean bindToServiceCheck;

	/**
	 * ACL token for lock requests; when unset, the token Spring Cloud Consul uses
	 * (spring.cloud.consul.discovery.acl-token, spring.cloud.consul.config.acl-token or
	 * spring.cloud.consul.token).
	 */
	private @Nullable String aclToken;

	/**
	 * Whether each session is watched with a blocking query, so that its invalidation is
	 * noticed at once instead of at its next renewal.
	 */
	private boolean watchSessions = true;

	/**
	 * Whether release deletes the lock key instead of unlocking it, so that keys locked
	 * once (one per order, say) do not accumulate in the KV store.
	 */
	private boolean deleteOnRelease;

	/**
	 * How long a session may hold no lock before it is destroyed, so that a ttl used once
	 * does not keep a session renewed and watched for the life of the application.
	 */
	private Duration sessionIdleTimeout = ConsulLockSettings.DEFAULT_SESSION_IDLE_TIMEOUT;

	/**
	 * Whether to check at startup that Consul answers and that the ACL token may create
	 * sessions and write under the key prefix.
	 */
	private boolean verifyOnStartup = true;

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public SessionBehavior getSessionBehavior() {
		return this.sessionBehavior;
	}

	public void setSessionBehavior(SessionBehavior sessionBehavior) {
		this.sessionBehavior = sessionBehavior;
	}

	public Duration getLockDelay() {
		return this.lockDelay;
	}

	public void setLockDelay(Duration lockDelay) {
		this.lockDelay = lockDelay;
	}

	public List<String> getChecks() {
		return this.checks;
	}

	public void setChecks(List<String> checks) {
		this.checks = checks;
	}

	public boolean isBindToServiceCheck() {
		return this.bindToServiceCheck;
	}

	public void setBindToServiceCheck(boolean bindToServiceCheck) {
		this.bindToServiceCheck = bindToServiceCheck;
	}

	public @Nullable String getAclToken() {
		return this.aclToken;
	}

	public void setAclToken(@Nullable String aclToken) {
		this.aclToken = aclToken;
	}

	public boolean isWatchSessions() {
		return this.watchSessions;
	}

	public void setWatchSessions(boolean watchSessions) {
		this.watchSessions = watchSessions;
	}

	public boolean isDeleteOnRelease() {
		return this.deleteOnRelease;
	}

	public void setDeleteOnRelease(boolean deleteOnRelease) {
		this.deleteOnRelease = deleteOnRelease;
	}

	public Duration getSessionIdleTimeout() {
		return this.sessionIdleTimeout;
	}

	public void setSessionIdleTimeout(Duration sessionIdleTimeout) {
		this.sessionIdleTimeout = sessionIdleTimeout;
	}

	public boolean isVerifyOnStartup() {
		return this.verifyOnStartup;
	}

	public void setVerifyOnStartup(boolean verifyOnStartup) {
		this.verifyOnStartup = verifyOnStartup;
	}

	/**
	 * The backend settings these properties describe; sessions are named after the
	 * application.
	 * @throws IllegalArgumentException when a value is one Consul cannot honour
	 */
	public ConsulLockSettings toSettings(@Nullable String applicationName) {
		String sessionName = (applicationName != null && !applicationName.isBlank()) ? "distlock " + applicationName
				: "distlock";
		return new ConsulLockSettings(this.keyPrefix, this.sessionBehavior, this.lockDelay, this.checks, sessionName,
				this.watchSessions, this.deleteOnRelease, this.sessionIdleTimeout);
	}

}
