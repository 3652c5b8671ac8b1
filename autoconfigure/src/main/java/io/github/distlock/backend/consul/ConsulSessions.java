package io.github.distlock.backend.consul;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.github.distlock.LockBackendException;
import io.github.distlock.backend.consul.ConsulApi.Indexed;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The backend's sessions, one per ttl: created on first use, renewed at half their ttl on
 * one shared scheduler thread, optionally watched with a blocking query, destroyed when
 * left idle and on close. When Consul says a session is gone, every lease it held is
 * reported lost.
 */
final class ConsulSessions implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ConsulSessions.class);

	private static final Duration MAX_RENEWAL_RETRY = Duration.ofSeconds(1);

	private static final Duration WATCH_RETRY = Duration.ofSeconds(1);

	private final ConsulApi api;

	private final ConsulLockSettings settings;

	private final Supplier<@Nullable String> serviceCheck;

	private final Map<Duration, ConsulSession> byTtl = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler;

	private final ExecutorService watchers;

	private volatile boolean closed;

	ConsulSessions(ConsulApi api, ConsulLockSettings settings, Supplier<@Nullable String> serviceCheck) {
		this.api = api;
		this.settings = settings;
		this.serviceCheck = serviceCheck;
		ScheduledThreadPoolExecutor renewals = new ScheduledThreadPoolExecutor(1, daemon("distlock-consul-renewal"));
		renewals.setRemoveOnCancelPolicy(true);
		this.scheduler = renewals;
		this.watchers = Executors.newCachedThreadPool(daemon("distlock-consul-watch"));
	}

	/**
	 * The live session for {@code ttl}, created when there is none, counted as used until
	 * {@link ConsulSession#unuse()}.
	 */
	ConsulSession use(Duration ttl) {
		ConsulSession session = this.byTtl.get(ttl);
		if (session != null && session.use()) {
			return session;
		}
		synchronized (this) {
			session = this.byTtl.get(ttl);
			if (session != null && session.use()) {
				return session;
			}
			if (this.closed) {
				throw new LockBackendException("The Consul lock backend is closed");
			}
			session = new ConsulSession(this.api.createSession(definition(ttl, checks(), this.settings.sessionName())),
					ttl);
			session.use();
			this.byTtl.put(ttl, session);
			scheduleRenewal(session, halfOf(ttl));
			if (this.settings.watchSessions()) {
				watch(session, 0);
			}
			return session;
		}
	}

	/**
	 * The health checks, besides {@code serfHealth}, that a session created now is bound
	 * to.
	 */
	List<String> checks() {
		List<String> checks = new ArrayList<>(this.settings.checks());
		String bound = this.serviceCheck.get();
		if (bound != null && !checks.contains(bound)) {
			checks.add(bound);
		}
		return checks;
	}

	/**
	 * Adds a lease to its session; reports it lost at once if the session died meanwhile.
	 */
	ConsulLock attach(ConsulSession session, ConsulLock lease) {
		session.add(lease);
		String reason = session.invalidReason();
		if (reason != null) {
			lease.lost(reason);
		}
		return lease;
	}

	/**
	 * Forgets a session Consul no longer has, and reports each of its leases lost.
	 */
	void invalidate(ConsulSession session, String reason) {
		if (!session.invalidate(reason)) {
			return;
		}
		this.byTtl.remove(session.ttl(), session);
		if (!this.closed) {
			session.leases().forEach((lease) -> lease.lost(reason));
		}
	}

	/**
	 * A session definition for {@code PUT /v1/session/create}.
	 */
	Map<String, Object> definition(Duration ttl, List<String> checks, String name) {
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

	private void scheduleRenewal(ConsulSession session, Duration delay) {
		try {
			session.renewal(this.scheduler.schedule(() -> renew(session), delay.toNanos(), TimeUnit.NANOSECONDS));
		}
		catch (RejectedExecutionException ex) {
			// Closing.
		}
	}

	private void renew(ConsulSession session) {
		if (this.closed || !session.isValid()) {
			return;
		}
		if (session.retireIfIdle(this.settings.sessionIdleTimeout().toNanos())) {
			this.byTtl.remove(session.ttl(), session);
			try {
				this.api.destroySession(session.id());
			}
			catch (RuntimeException ex) {
				logger.debug("Destroying idle Consul session " + session.id() + " failed; it expires with its ttl: "
						+ ex.getMessage());
			}
			return;
		}
		long sentAt = System.nanoTime();
		Duration next = halfOf(session.ttl());
		try {
			if (!this.api.renewSession(session.id())) {
				invalidate(session, gone(session, "its renewal was answered 404"));
				return;
			}
			session.confirmed(sentAt);
		}
		catch (RuntimeException ex) {
			// Retry soon: the leases' local validity runs out a ttl after the last
			// confirmation.
			next = min(MAX_RENEWAL_RETRY, session.ttl().dividedBy(10));
			logger.warn("Renewing Consul session " + session.id() + " failed; retrying in " + next.toMillis() + "ms: "
					+ ex.getMessage());
		}
		scheduleRenewal(session, next);
	}

	private void watch(ConsulSession session, long index) {
		try {
			this.watchers.execute(() -> watchOnce(session, index));
		}
		catch (RejectedExecutionException ex) {
			// Closing.
		}
	}

	private void watchOnce(ConsulSession session, long index) {
		if (this.closed || !session.isValid()) {
			return;
		}
		try {
			Indexed<Boolean> visible = this.api.sessionVisible(session.id(), index, ConsulApi.MAX_BLOCKING_WAIT);
			if (visible.value()) {
				watch(session, visible.index());
			}
			else {
				confirmGone(session);
			}
		}
		catch (RuntimeException ex) {
			if (!this.closed) {
				logger.debug("Watching Consul session " + session.id() + " failed; retrying: " + ex.getMessage());
				try {
					this.scheduler.schedule(() -> watch(session, 0), WATCH_RETRY.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException closing) {
					// Closing.
				}
			}
		}
	}

	/**
	 * Consul hides sessions from a token without session read permission, so an empty
	 * answer is checked with a renewal before the leases are declared lost.
	 */
	private void confirmGone(ConsulSession session) {
		long sentAt = System.nanoTime();
		if (!this.api.renewSession(session.id())) {
			invalidate(session, gone(session, "Consul reported it gone"));
			return;
		}
		session.confirmed(sentAt);
		logger.warn("Consul hides session " + session.id() + " from distlock's ACL token (no session read "
				+ "permission); losses are noticed at renewals only, up to half a ttl late");
	}

	private static String gone(ConsulSession session, String how) {
		return "Consul session " + session.id() + " no longer exists (" + how + "): it was destroyed, one of its "
				+ "health checks failed, or it expired; Consul released its locks";
	}

	@Override
	public void close() {
		this.closed = true;
		this.scheduler.shutdownNow();
		this.watchers.shutdownNow();
		synchronized (this) {
			for (ConsulSession session : List.copyOf(this.byTtl.values())) {
				session.invalidate("the backend was closed");
				try {
					this.api.destroySession(session.id());
				}
				catch (RuntimeException ex) {
					logger.warn("Destroying Consul session " + session.id() + " at shutdown failed; Consul "
							+ "frees its locks when its ttl runs out: " + ex.getMessage());
				}
			}
			this.byTtl.clear();
		}
	}

	private static Duration halfOf(Duration ttl) {
		return ttl.dividedBy(2);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static ThreadFactory daemon(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
