package io.github.distlock.backend.consul;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.distlock.LockBackendException;
import io.github.distlock.backend.consul.ConsulApi.Acquisition;
import io.github.distlock.backend.consul.ConsulApi.Indexed;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
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
 */
public final class ConsulLockBackend implements LockBackend, ConnectionCheck {

	private static final Duration FIRST_LOCK_DELAY_PAUSE = Duration.ofMillis(100);

	private static final Duration MAX_LOCK_DELAY_PAUSE = Duration.ofSeconds(1);

	private static final Duration MIN_BLOCKING_WAIT = Duration.ofMillis(1);

	private static final int MAX_SESSION_ATTEMPTS = 3;

	private static final String ACCESS_CHECK_KEY = ".access-check/probe";

	private final ConsulApi api;

	private final ConsulLockSettings settings;

	private final ConsulSessions sessions;

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
		this.sessions = new ConsulSessions(api, settings, serviceCheck);
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
		return this.sessions.checks();
	}

	/**
	 * Checks that Consul answers, that the token may create sessions bound to the
	 * configured checks, and that it may write under the key prefix; creates nothing that
	 * outlives the call.
	 * @throws ConsulApiException when it may not, or Consul cannot be reached
	 */
	public void verifyAccess() {
		String probe = this.api.createSession(
				this.sessions.definition(ConsulLockSettings.MIN_TTL, this.settings.checks(), "distlock access check"));
		try {
			// '/' never occurs in an encoded lock key, so this key is no lock's.
			this.api.checkWriteAccess(this.settings.keyPrefix() + "/" + ACCESS_CHECK_KEY);
		}
		finally {
			this.api.destroySession(probe);
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

	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		ConsulLockSettings.requireSupportedTtl(request.ttl());
		String key = this.settings.keyPrefix() + "/" + request.key();
		long deadline = System.nanoTime() + request.waitTime().toNanos();
		Duration lockDelayPause = FIRST_LOCK_DELAY_PAUSE;
		int sessionAttempts = 0;
		long index = 0;
		while (true) {
			ConsulSession session = this.sessions.use(request.ttl());
			long sentAt = System.nanoTime();
			Acquisition attempt;
			boolean acquired = false;
			try {
				attempt = interruptibly(() -> this.api.acquire(key, session.id(), holder(session)));
				acquired = attempt.outcome() == Acquisition.Outcome.ACQUIRED;
			}
			finally {
				// An acquired lock keeps using the session until its release.
				if (!acquired) {
					session.unuse();
				}
			}
			switch (attempt.outcome()) {
				case ACQUIRED -> {
					ConsulLock lease = new ConsulLock(this.api, key, session, this.settings.deleteOnRelease(),
							attempt.modifyIndex(), sentAt);
					return Optional.of(this.sessions.attach(session, lease));
				}
				case INVALID_SESSION -> {
					this.sessions.invalidate(session, "Consul no longer knows session " + session.id()
							+ ": it was destroyed, one of its health checks failed, or it expired");
					if (++sessionAttempts >= MAX_SESSION_ATTEMPTS) {
						throw new LockBackendException("Consul declared " + sessionAttempts + " new sessions invalid "
								+ "in a row while locking '" + key + "'; check the sessions' health checks");
					}
				}
				case HELD -> {
					index = awaitRelease(key, deadline);
					if (index < 0) {
						return Optional.empty();
					}
				}
				case LOCK_DELAY -> {
					// Consul announces no end of a lock-delay: wait a bounded, growing
					// pause, cut short when
					// the key changes (a blocking query used as the timer).
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

	private byte[] holder(ConsulSession session) {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("host", this.host);
		value.put("pid", this.pid);
		value.put("thread", Thread.currentThread().getName());
		value.put("session", session.id());
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
	 * Destroys the sessions, which frees any lock still held at once (after Consul's
	 * lock-delay).
	 */
	@Override
	public void close() {
		this.sessions.close();
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
