package io.github.distlock.backend.consul;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.github.distlock.LockBackendException;
import io.github.distlock.backend.consul.ConsulApi.Acquisition;
import io.github.distlock.backend.consul.ConsulApi.Indexed;
import io.github.distlock.core.SharedSessions;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockRequest;
import io.github.distlock.spi.ServerSession;
import io.github.distlock.spi.SessionLock;
import io.github.distlock.spi.SessionLockBackend;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.json.JsonWriter;

/**
 * Locks on Consul: a key {@code <prefix>/<encoded key>} locked by this backend's session
 * for the request's ttl, in one {@code lock} transaction whose answer carries the entry's
 * {@code ModifyIndex}, the fencing token. Waiters block on the key with blocking queries
 * and try again when its session is gone; release unlocks the key ({@code ?release=}), or
 * deletes it, only while our session holds it.
 *
 * <p>
 * Why {@code ModifyIndex} and not {@code LockIndex}: {@code ModifyIndex} is the Raft
 * index of the write that locked the key, so it grows with every holder even when a key
 * is deleted and created again (by a session with behavior {@code delete}, by
 * delete-on-release, or by an operator), while {@code LockIndex} starts again at 1 for a
 * new key.
 *
 * <p>
 * Sessions are those of {@link SessionLockBackend}: one per ttl, shared by every lock and
 * waiter with that ttl, renewed at half their ttl and retired by the generic session
 * layer. Each is also watched with a blocking query on the session, sent asynchronously
 * so that no thread waits for it, which reports its end before the next renewal would.
 */
public final class ConsulLockBackend implements SessionLockBackend, ConnectionCheck {

	private static final Log logger = LogFactory.getLog(ConsulLockBackend.class);

	private static final Duration FIRST_LOCK_DELAY_PAUSE = Duration.ofMillis(100);

	private static final Duration MAX_LOCK_DELAY_PAUSE = Duration.ofSeconds(1);

	private static final Duration MIN_BLOCKING_WAIT = Duration.ofMillis(1);

	private static final String ACCESS_CHECK_KEY = ".access-check/probe";

	private final ConsulApi api;

	private final ConsulLockSettings settings;

	private final Supplier<@Nullable String> serviceCheck;

	private final ConsulSessionWatch sessionWatch;

	/**
	 * The sessions of raw {@link #tryAcquire(LockRequest)} calls; a lock template brings
	 * its own.
	 */
	private final SharedSessions standalone = SharedSessions.standalone(this);

	private final JsonWriter<Object> writer = JsonWriter.standard();

	private final String host = hostName();

	private final long pid = ProcessHandle.current().pid();

	/**
	 * Creates a backend whose sessions are bound to the configured checks only.
	 */
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
		this.sessionWatch = new ConsulSessionWatch(api);
	}

	@Override
	public String name() {
		return "consul";
	}

	/**
	 * The settings in force.
	 */
	public ConsulLockSettings settings() {
		return this.settings;
	}

	/**
	 * The URL of the Consul agent this backend talks to.
	 */
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

	/**
	 * A session definition for {@code PUT /v1/session/create}.
	 */
	private Map<String, Object> definition(Duration ttl, List<String> checks, String name) {
		Map<String, Object> definition = new LinkedHashMap<>();
		definition.put("Name", name);
		definition.put("TTL", ConsulLockSettings.describe(ttl));
		definition.put("LockDelay", ConsulLockSettings.describe(this.settings.lockDelay()));
		definition.put("Behavior", this.settings.behavior().apiValue());
		if (!checks.isEmpty()) {
			// A list of checks replaces Consul's default one; keep the node's serf health
			// in it.
			Set<String> all = new LinkedHashSet<>();
			all.add("serfHealth");
			all.addAll(checks);
			definition.put("Checks", List.copyOf(all));
		}
		return definition;
	}

	/**
	 * Checks that Consul answers, that the token may create sessions bound to the
	 * configured checks, and that it may write under the key prefix; creates nothing that
	 * outlives the call.
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

	/**
	 * Asks the agent for its cluster leader.
	 * @throws ConsulApiException when Consul does not answer or has no leader
	 */
	@Override
	public void checkConnection() {
		this.api.checkLeader();
	}

	/**
	 * Acquires with sessions of this backend's own, for use without a lock template.
	 */
	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		ConsulLockSettings.requireSupportedTtl(request.ttl());
		return this.standalone.tryAcquire(request);
	}

	@Override
	public Optional<SessionLock> tryAcquire(LockRequest request, ServerSession session) throws InterruptedException {
		String key = this.settings.keyPrefix() + "/" + request.key();
		long deadline = System.nanoTime() + request.waitTime().toNanos();
		Duration lockDelayPause = FIRST_LOCK_DELAY_PAUSE;
		long index = 0;
		while (true) {
			Acquisition attempt = interruptibly(() -> this.api.acquire(key, session.id(), holder(session.id())));
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
					// Consul announces no end of a lock-delay: wait a bounded, growing
					// pause,
					// cut short when the key changes (a blocking query is the timer).
					Duration remaining = remaining(deadline);
					if (remaining.compareTo(MIN_BLOCKING_WAIT) < 0) {
						return Optional.empty();
					}
					if (index <= 0) {
						index = read(key, 0, Duration.ZERO).index();
					}
					index = read(key, index, min(lockDelayPause, remaining)).index();
					lockDelayPause = min(lockDelayPause.multipliedBy(2), MAX_LOCK_DELAY_PAUSE);
				}
			}
		}
	}

	/**
	 * Creates a session bound to the health checks in force now; a ttl Consul would
	 * refuse is rejected before any request.
	 */
	@Override
	public String openSession(Duration ttl) throws InterruptedException {
		ConsulLockSettings.requireSupportedTtl(ttl);
		return interruptibly(
				() -> this.api.createSession(definition(ttl, sessionChecks(), this.settings.sessionName())));
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

	/** Watches the session, so that its end is reported before the next renewal would. */
	@Override
	public void watchSession(ServerSession session) {
		if (this.settings.watchSessions()) {
			this.sessionWatch.watch(session);
		}
	}

	/** Resumes a watch that failed, now that Consul answers again. */
	@Override
	public void keptAlive(ServerSession session) {
		watchSession(session);
	}

	static String gone(String sessionId, String how) {
		return "Consul session " + sessionId + " no longer exists (" + how + "): it was destroyed, one of its "
				+ "health checks failed, or it expired; Consul released its locks";
	}

	/**
	 * Blocks until {@code key} has no session, or the deadline passes.
	 * @return the key's index when it became free, or {@code -1} at the deadline
	 */
	private long awaitRelease(String key, long deadline) throws InterruptedException {
		Indexed<@Nullable String> holder = read(key, 0, Duration.ZERO);
		while (holder.value() != null) {
			Duration remaining = remaining(deadline);
			if (remaining.compareTo(MIN_BLOCKING_WAIT) < 0) {
				return -1;
			}
			holder = read(key, holder.index(), min(remaining, ConsulApi.MAX_BLOCKING_WAIT));
		}
		return holder.index();
	}

	private Indexed<@Nullable String> read(String key, long index, Duration wait) throws InterruptedException {
		return interruptibly(() -> this.api.readHolder(key, index, wait));
	}

	private byte[] holder(String session) {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("host", this.host);
		value.put("pid", this.pid);
		value.put("thread", Thread.currentThread().getName());
		value.put("session", session);
		value.put("acquiredAt", Instant.now().toString());
		return this.writer.writeToString(value).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Runs a request; an interrupt that ended it, or arrived during it, becomes an
	 * InterruptedException.
	 */
	private static <T> T interruptibly(Supplier<T> request) throws InterruptedException {
		T result;
		try {
			result = request.get();
		}
		catch (LockBackendException ex) {
			if (Thread.interrupted()) {
				InterruptedException interrupted = new InterruptedException("Interrupted while waiting for Consul");
				interrupted.initCause(ex);
				throw interrupted;
			}
			throw ex;
		}
		if (Thread.interrupted()) {
			throw new InterruptedException("Interrupted while waiting for Consul");
		}
		return result;
	}

	/**
	 * Destroys the sessions of raw {@link #tryAcquire(LockRequest)} calls, which frees
	 * their locks at once (after Consul's lock-delay). A lock template over this backend
	 * destroys its own sessions first.
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

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return ManagementFactory.getRuntimeMXBean().getName();
		}
	}

}
