package io.github.distlock.backend.consul;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.distlock.backend.consul.ConsulApi.Acquisition;
import io.github.distlock.backend.consul.ConsulApi.Indexed;
import io.github.distlock.core.SharedSessions;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockRequest;
import io.github.distlock.spi.ServerSession;
import io.github.distlock.spi.SessionLock;
import io.github.distlock.spi.SessionLockBackend;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.json.JsonWriter;

/**
 * Locks on Consul: the key {@code <prefix>/<encoded key>} locked by a session of the
 * request's ttl in one {@code lock} transaction, whose answer carries the entry's
 * {@code ModifyIndex}: the fencing token, as it grows with every holder even when the key
 * is deleted and created again ({@code LockIndex} starts again at 1). Waiters block on
 * the key with blocking queries; release unlocks or deletes the key only while our
 * session holds it. Sessions are shared per ttl by the generic session layer, and each is
 * watched so that its end is reported before the next renewal would.
 */
public final class ConsulLockBackend implements SessionLockBackend, ConnectionCheck {

	private static final Duration FIRST_LOCK_DELAY_PAUSE = Duration.ofMillis(100);

	private static final Duration MAX_LOCK_DELAY_PAUSE = Duration.ofSeconds(1);

	private static final Duration MIN_BLOCKING_WAIT = Duration.ofMillis(1);

	private static final String ACCESS_CHECK_KEY = ".access-check/probe";

	private final ConsulApi api;

	private final ConsulLockSettings settings;

	private final Supplier<@Nullable String> serviceCheck;

	/** The sessions of raw {@link #tryAcquire(LockRequest)} calls. */
	private final SharedSessions standalone = SharedSessions.standalone(this);

	private final JsonWriter<Object> writer = JsonWriter.standard();

	/** {@code pid@host}. */
	private final String process = ManagementFactory.getRuntimeMXBean().getName();

	/** Creates a backend whose sessions are bound to the configured checks only. */
	public ConsulLockBackend(ConsulApi api, ConsulLockSettings settings) {
		this(api, settings, () -> null);
	}

	/**
	 * Creates a backend.
	 * @param serviceCheck the ID of this application's own service check, asked for each
	 * new session, or {@code null} when sessions are not bound to it
	 */
	public ConsulLockBackend(ConsulApi api, ConsulLockSettings settings, Supplier<@Nullable String> serviceCheck) {
		this.api = api;
		this.settings = settings;
		this.serviceCheck = serviceCheck;
	}

	@Override
	public String name() {
		return "consul";
	}

	/** The settings in force. */
	public ConsulLockSettings settings() {
		return this.settings;
	}

	/** The URL of the Consul agent this backend talks to. */
	public String baseUrl() {
		return this.api.baseUrl();
	}

	/**
	 * The health checks, besides {@code serfHealth}, that a session created now is bound
	 * to: the configured ones and, when bound, this application's own service check.
	 */
	public List<String> sessionChecks() {
		List<String> checks = new ArrayList<>(this.settings.checks());
		String bound = this.serviceCheck.get();
		if (bound != null && !checks.contains(bound)) {
			checks.add(bound);
		}
		return checks;
	}

	private Map<String, Object> definition(Duration ttl, List<String> checks, String name) {
		Map<String, Object> definition = new LinkedHashMap<>(Map.of("Name", name, "TTL",
				ConsulLockSettings.describe(ttl), "LockDelay", ConsulLockSettings.describe(this.settings.lockDelay()),
				"Behavior", this.settings.behavior().apiValue()));
		if (!checks.isEmpty()) {
			// A list of checks replaces Consul's default one: keep the node's serfHealth.
			definition.put("Checks", Stream.concat(Stream.of("serfHealth"), checks.stream()).distinct().toList());
		}
		return definition;
	}

	/**
	 * Checks that the token may create sessions bound to the configured checks and write
	 * under the key prefix, leaving nothing behind.
	 * @throws ConsulApiException when it may not, or Consul cannot be reached
	 */
	public void verifyAccess() {
		String probe = this.api
			.createSession(definition(ConsulLockSettings.MIN_TTL, this.settings.checks(), "distlock access check"));
		try {
			// '/' never occurs in an encoded lock key, so this key is no lock's.
			this.api.checkWriteAccess(this.settings.keyPrefix() + "/" + ACCESS_CHECK_KEY);
		}
		finally {
			this.api.destroySession(probe).join();
		}
	}

	/** Asks the agent for its cluster leader. */
	@Override
	public void checkConnection() {
		this.api.checkLeader();
	}

	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		ConsulLockSettings.requireSupportedTtl(request.ttl());
		return this.standalone.tryAcquire(request);
	}

	@Override
	public Optional<SessionLock> tryAcquire(LockRequest request, ServerSession session) {
		String key = this.settings.keyPrefix() + "/" + request.key();
		long deadline = System.nanoTime() + request.waitTime().toNanos();
		Duration lockDelayPause = FIRST_LOCK_DELAY_PAUSE;
		long index = 0;
		while (true) {
			Acquisition attempt = this.api.acquire(key, session.id(), holder(session.id()));
			switch (attempt.outcome()) {
				case ACQUIRED -> {
					return Optional.of(new ConsulLock(this.api, key, session.id(), this.settings.deleteOnRelease(),
							attempt.modifyIndex()));
				}
				case INVALID_SESSION -> {
					// The session layer acquires again on a new session.
					session.ended(gone(session.id(), "a lock transaction was refused for an invalid session"));
					return Optional.empty();
				}
				case HELD -> {
					index = awaitRelease(key, deadline);
					if (index < 0) {
						return Optional.empty();
					}
				}
				case LOCK_DELAY -> {
					// Consul announces no end of a lock-delay: pause, growing, cut short
					// when the key changes (a blocking query is the timer).
					Duration remaining = remaining(deadline);
					if (remaining.compareTo(MIN_BLOCKING_WAIT) < 0) {
						return Optional.empty();
					}
					if (index <= 0) {
						index = this.api.readHolder(key, 0, Duration.ZERO).index();
					}
					index = this.api.readHolder(key, index, min(lockDelayPause, remaining)).index();
					lockDelayPause = min(lockDelayPause.multipliedBy(2), MAX_LOCK_DELAY_PAUSE);
				}
			}
		}
	}

	/** Creates a session bound to the health checks in force now. */
	@Override
	public String openSession(Duration ttl) {
		ConsulLockSettings.requireSupportedTtl(ttl);
		return this.api.createSession(definition(ttl, sessionChecks(), this.settings.sessionName()));
	}

	@Override
	public CompletionStage<Boolean> keepAliveOnce(String sessionId) {
		return this.api.renewSession(sessionId);
	}

	@Override
	public CompletionStage<?> closeSession(String sessionId) {
		return this.api.destroySession(sessionId);
	}

	/** Half the ttl, as Consul's own clients renew. */
	@Override
	public Duration keepAliveInterval(Duration ttl) {
		return ttl.dividedBy(2);
	}

	@Override
	public Duration sessionIdleTime() {
		return this.settings.sessionIdleTimeout();
	}

	@Override
	public String describeSession(String sessionId) {
		return "Consul session " + sessionId;
	}

	@Override
	public String describeSessionGone(String sessionId) {
		return gone(sessionId, "its renewal was answered 404");
	}

	@Override
	public String describeWatchedSessionGone(String sessionId) {
		return gone(sessionId, "Consul reported it gone");
	}

	/**
	 * A blocking query on the session: one Consul no longer shows is suspected gone (it
	 * also hides sessions the ACL token may not read).
	 */
	@Override
	public @Nullable CompletionStage<Long> watchSessionOnce(String sessionId, long index) {
		if (!this.settings.watchSessions()) {
			return null;
		}
		// A session that vanished from a blocking read is confirmed gone by a consistent
		// one: right after a leader change, a stale server may not show it yet.
		return this.api.sessionVisible(sessionId, index, ConsulApi.MAX_BLOCKING_WAIT)
			.thenCompose((visible) -> visible.value() ? CompletableFuture.completedFuture(visible)
					: this.api.sessionConfirmed(sessionId))
			.thenApply((visible) -> visible.value() ? visible.index() : -1L);
	}

	private static String gone(String sessionId, String how) {
		return "Consul session " + sessionId + " no longer exists (" + how + "): it was destroyed, one of its "
				+ "health checks failed, or it expired; Consul released its locks";
	}

	/** The key's index once it has no session, or {@code -1} at the deadline. */
	private long awaitRelease(String key, long deadline) {
		Indexed<@Nullable String> holder = this.api.readHolder(key, 0, Duration.ZERO);
		while (holder.value() != null) {
			Duration remaining = remaining(deadline);
			if (remaining.compareTo(MIN_BLOCKING_WAIT) < 0) {
				return -1;
			}
			holder = this.api.readHolder(key, holder.index(), min(remaining, ConsulApi.MAX_BLOCKING_WAIT));
		}
		return holder.index();
	}

	private byte[] holder(String session) {
		Map<String, Object> value = Map.of("process", this.process, "thread", Thread.currentThread().getName(),
				"session", session, "acquiredAt", Instant.now().toString());
		return this.writer.writeToString(value).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Destroys the sessions of raw {@link #tryAcquire(LockRequest)} calls, which frees
	 * their locks (after Consul's lock-delay).
	 */
	@Override
	public void close() {
		this.standalone.close();
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
