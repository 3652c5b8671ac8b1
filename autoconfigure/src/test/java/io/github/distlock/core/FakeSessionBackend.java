package io.github.distlock.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockRequest;
import io.github.distlock.spi.ServerSession;
import io.github.distlock.spi.SessionLock;
import io.github.distlock.spi.SessionLockBackend;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory session protocol for the pure logic of {@link SharedSessions}: which
 * sessions are opened, kept alive and closed, with answers the test decides.
 */
class FakeSessionBackend implements SessionLockBackend {

	/** How one acquisition behaves; by default it succeeds at once. */
	@FunctionalInterface
	interface Acquisition {

		Optional<SessionLock> acquire(LockRequest request, ServerSession session) throws InterruptedException;

	}

	final List<String> opened = new CopyOnWriteArrayList<>();

	final List<String> closed = new CopyOnWriteArrayList<>();

	/** Sessions the server has dropped: their keepalives are answered "gone". */
	final Set<String> gone = ConcurrentHashMap.newKeySet();

	final Map<String, AtomicInteger> keepAlives = new ConcurrentHashMap<>();

	/** When the last keepalive request arrived, per session. */
	final Map<String, Long> lastKeepAliveNanos = new ConcurrentHashMap<>();

	final Set<SessionLock> released = ConcurrentHashMap.newKeySet();

	/** Every watch asked for, in order; the test completes them. */
	final List<Watch> watches = new CopyOnWriteArrayList<>();

	volatile boolean failKeepAlives;

	volatile boolean lockStillHeld = true;

	volatile @Nullable Acquisition acquisition;

	volatile @Nullable Runnable onOpen;

	private final AtomicInteger ids = new AtomicInteger();

	private final AtomicLong tokens = new AtomicLong();

	private final Duration idleTime;

	FakeSessionBackend(Duration idleTime) {
		this.idleTime = idleTime;
	}

	@Override
	public String name() {
		return "fake";
	}

	@Override
	public String openSession(Duration ttl) {
		Runnable hook = this.onOpen;
		if (hook != null) {
			hook.run();
		}
		String id = ttl.toMillis() + "ms-" + this.ids.incrementAndGet();
		this.opened.add(id);
		return id;
	}

	@Override
	public CompletionStage<Boolean> keepAliveOnce(String sessionId) {
		this.lastKeepAliveNanos.put(sessionId, System.nanoTime());
		this.keepAlives.computeIfAbsent(sessionId, (id) -> new AtomicInteger()).incrementAndGet();
		if (this.failKeepAlives) {
			return CompletableFuture.failedFuture(new IllegalStateException("server unreachable"));
		}
		return CompletableFuture.completedFuture(!this.gone.contains(sessionId));
	}

	@Override
	public CompletionStage<?> closeSession(String sessionId) {
		this.closed.add(sessionId);
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public CompletionStage<Long> watchSessionOnce(String sessionId, long index) {
		Watch watch = new Watch(sessionId, index, new CompletableFuture<>());
		this.watches.add(watch);
		return watch.change();
	}

	@Override
	public Duration sessionIdleTime() {
		return this.idleTime;
	}

	/** Only the session layer acquires on this backend. */
	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) {
		throw new UnsupportedOperationException("acquire through SharedSessions");
	}

	@Override
	public Optional<SessionLock> tryAcquire(LockRequest request, ServerSession session) throws InterruptedException {
		Acquisition custom = this.acquisition;
		return (custom != null) ? custom.acquire(request, session) : Optional.of(lock());
	}

	int keepAlivesOf(String sessionId) {
		AtomicInteger count = this.keepAlives.get(sessionId);
		return (count != null) ? count.get() : 0;
	}

	SessionLock lock() {
		long token = this.tokens.incrementAndGet();
		return new SessionLock() {

			@Override
			public long fencingToken() {
				return token;
			}

			@Override
			public boolean stillHeld() {
				return FakeSessionBackend.this.lockStillHeld;
			}

			@Override
			public boolean release() {
				return FakeSessionBackend.this.released.add(this);
			}

		};
	}

	/** One watch of a session from {@code index}, completed by the test. */
	record Watch(String sessionId, long index, CompletableFuture<Long> change) {

	}

}
