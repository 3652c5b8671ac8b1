package io.github.distlock.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockLostException;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.LockedActionException;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.core.LockListener.AcquireOutcome;
import io.github.distlock.core.LockListener.LockInfo;
import io.github.distlock.spi.BackendLease;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LockTemplate} of distlock, and the generic layer every backend shares.
 *
 * <p>Per key, threads of this JVM first queue on a fair local permit, so only one of them talks to the
 * backend at a time. A thread acquiring a key whose hold encloses it (it acquired the lease and has not
 * released it, or runs the synchronous part of an asynchronous hold) gets a nested hold instead; a hold
 * whose work continues in a {@link CompletionStage} encloses nobody once that synchronous part returned,
 * so later calls wait for it like any other caller.
 * Held leases are renewed on a shared, bounded scheduler, and each has a local validity deadline
 * ({@code confirmedAt + ttl - margin}); when it passes without renewal, or the backend reports a loss,
 * the lease is lost: listeners are told, callbacks run, and the lost-lock policy applies to code running
 * under {@link #execute} or {@link #call}.
 */
public final class LockManager implements LockTemplate, AutoCloseable {

	private static final Log logger = LogFactory.getLog(LockManager.class);

	private static final String UNNAMED = "unnamed";

	private static final long QUEUE_ANCHOR_PERIOD_MILLIS = 200;

	private final LockBackend backend;

	private final LockSettings settings;

	private final LockListener listener;

	private final ScheduledThreadPoolExecutor scheduler;

	private final ConcurrentHashMap<String, KeyState> keys = new ConcurrentHashMap<>();

	private final StageHolds stageHolds = new StageHolds();

	/**
	 * Creates the manager over a backend; {@code listeners} observe every lock.
	 */
	public LockManager(LockBackend backend, LockSettings settings, List<? extends LockListener> listeners) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.listener = new SafeLockListener(List.copyOf(listeners));
		this.scheduler = new ScheduledThreadPoolExecutor(settings.schedulerThreads(), daemonThreads());
		this.scheduler.setRemoveOnCancelPolicy(true);
		// Sessions: a SessionLockBackend's sessions are shared per ttl and kept alive on this scheduler.
		this.backend = SharedSessions.wrap(Objects.requireNonNull(backend, "backend"), this.scheduler);
		// A task that becomes the head of the delay queue wakes a parked scheduler thread: one context switch
		// per acquisition, measured at 10-20us per Redis acquire+release on 2 cores. An idle periodic task
		// that is almost always due first keeps new renewal and deadline tasks off the head. It also releases
		// the locks of asynchronous work whose stage was collected without completing.
		this.scheduler.scheduleAtFixedRate(this.stageHolds::releaseUnreachable, QUEUE_ANCHOR_PERIOD_MILLIS,
				QUEUE_ANCHOR_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
	}

	/**
	 * The backend's name.
	 */
	public String backendName() {
		return this.backend.name();
	}

	/**
	 * The settings in force.
	 */
	public LockSettings settings() {
		return this.settings;
	}

	/**
	 * The locks this JVM holds now, for diagnostics.
	 */
	public List<HeldLock> heldLocks() {
		long now = System.nanoTime();
		List<HeldLock> held = new java.util.ArrayList<>();
		for (KeyState state : this.keys.values()) {
			ManagedLease lease = state.lease;
			if (lease != null) {
				held.add(new HeldLock(lease.info.key(), lease.info.name(), lease.backendLease.fencingToken(),
						Duration.ofNanos(now - lease.acquiredAtNanos), Duration.ofNanos(lease.validUntilNanos() - now),
						lease.lostReason));
			}
		}
		return held;
	}

	/**
	 * Checks the backend's connection when it offers a check.
	 * @return whether a check was made
	 * @throws LockBackendException when the check failed
	 */
	public boolean checkConnection() {
		if (this.backend instanceof io.github.distlock.spi.ConnectionCheck check) {
			check.checkConnection();
			return true;
		}
		return false;
	}

	@Override
	public <T> T execute(String key, LockOptions options, Callable<T> action) {
		Lease lease = acquire(key, options);
		try {
			return call(lease, lostPolicy(options), action::call);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new LockedActionException(key, (ex instanceof Exception checked) ? checked : new Exception(ex));
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> executeAsync(String key, LockOptions options,
			Supplier<? extends CompletionStage<T>> action) {
		try {
			Lease lease = tryAcquireAsync(key, options)
				.orElseThrow(() -> new LockNotAcquiredException(LockKeys.display(key), waitTime(options)));
			Object stage = callAsync(lease, action::get, CompletableFuture.class, "LockTemplate.executeAsync");
			return (stage != null) ? (CompletableFuture<T>) stage : CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public Lease acquire(String key, LockOptions options) {
		return acquireOrThrow(key, options);
	}

	@Override
	public Optional<Lease> tryAcquire(String key, LockOptions options) {
		return tryAcquire((Object) key, options);
	}

	/**
	 * Acquires a lock whose key is a string, or a list or array of parts, or throws
	 * {@link LockNotAcquiredException}.
	 */
	public Lease acquireOrThrow(Object key, LockOptions options) {
		Duration waitTime = waitTime(options);
		return tryAcquire(key, options).orElseThrow(() -> new LockNotAcquiredException(LockKeys.display(key), waitTime));
	}

	/**
	 * Acquires a lock whose key is a string, or a list or array of parts.
	 * @return the lease, or empty when the lock stayed busy for the whole wait time
	 * @throws LockNotAcquiredException when interrupted while waiting (the interrupt flag is set again)
	 * @throws LockBackendException when the backend failed
	 */
	public Optional<Lease> tryAcquire(Object key, LockOptions options) {
		return tryAcquire(key, options, false);
	}

	/**
	 * Acquires a lock for work that completes in a {@link CompletionStage}: pass the lease to
	 * {@link #callAsync} at once. Never a nested hold, since the work would outlive or overlap an enclosing
	 * hold; inside a hold of the same key on this thread it is refused at once, because waiting would
	 * deadlock this thread.
	 * @return the lease, or empty when the lock stayed busy for the whole wait time
	 * @throws LockNotAcquiredException when this thread holds the key already, or was interrupted
	 * @throws LockBackendException when the backend failed
	 */
	public Optional<Lease> tryAcquireAsync(Object key, LockOptions options) {
		return tryAcquire(key, options, true);
	}

	private Optional<Lease> tryAcquire(Object key, LockOptions options, boolean async) {
		String encoded = LockKeys.encode(key);
		String display = LockKeys.display(key);
		Duration ttl = (options.ttl() != null) ? options.ttl() : this.settings.defaultTtl();
		Duration waitTime = waitTime(options);
		LockInfo info = new LockInfo(display, (options.name() != null) ? options.name() : UNNAMED,
				this.backend.name());
		long start = System.nanoTime();
		KeyState state = this.keys.compute(encoded, (k, existing) -> {
			KeyState result = (existing != null) ? existing : new KeyState(k);
			result.users++;
			return result;
		});
		ManagedLease current = state.lease;
		if (current != null && state.owner == Thread.currentThread()) {
			if (async) {
				leave(state);
				throw new LockNotAcquiredException(display, "Lock '" + display + "' is held by an enclosing call on "
						+ "this thread; an asynchronous hold cannot nest in it, because its work would outlive or "
						+ "overlap the enclosing hold, and waiting for that hold would deadlock this thread. Start the "
						+ "asynchronous call after the enclosing one has returned, or lock another key", null);
			}
			String lostReason = current.lostReason;
			if (lostReason != null) {
				leave(state);
				// Nesting under a lost lock would run the inner code with no protection at all.
				throw new LockNotAcquiredException(display, "Lock '" + display
						+ "' is already held by this thread, but that lease was lost: " + lostReason, null);
			}
			Hold nested = current.nestedHold();
			if (nested != null) {
				leave(state);
				return Optional.of(nested);
			}
			// Released from another thread just now: acquire it anew.
		}
		boolean permitTaken = false;
		try {
			long deadline = start + waitTime.toNanos();
			permitTaken = state.permit.tryAcquire(waitTime.toNanos(), TimeUnit.NANOSECONDS);
			if (!permitTaken) {
				leave(state);
				this.listener.acquireFinished(info, AcquireOutcome.TIMEOUT, System.nanoTime() - start);
				return Optional.empty();
			}
			Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			Optional<BackendLease> acquired = this.backend.tryAcquire(new LockRequest(encoded, ttl, remaining));
			if (acquired.isEmpty()) {
				state.permit.release();
				leave(state);
				this.listener.acquireFinished(info, AcquireOutcome.TIMEOUT, System.nanoTime() - start);
				return Optional.empty();
			}
			ManagedLease lease = new ManagedLease(state, info, acquired.get(), ttl, options.autoRenew());
			state.owner = Thread.currentThread();
			state.lease = lease;
			this.listener.acquireFinished(info, AcquireOutcome.ACQUIRED, System.nanoTime() - start);
			lease.start();
			return Optional.of(lease.hold());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failed(state, permitTaken, info, start);
			throw new LockNotAcquiredException(display,
					"Interrupted while waiting for lock '" + display + "'; the interrupt flag is set again", ex);
		}
		catch (RuntimeException ex) {
			failed(state, permitTaken, info, start);
			if (ex instanceof LockBackendException || ex instanceof IllegalArgumentException) {
				// A request the backend cannot honour (say, a ttl outside its range) is the caller's to fix,
				// not an outage.
				throw ex;
			}
			throw new LockBackendException("Backend '" + this.backend.name() + "' failed to acquire lock '" + display
					+ "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * Runs {@code action} under an acquired lease, releases the lease, and applies the lost-lock policy.
	 * This is what {@link #execute} and the {@code @DistributedLock} aspect share.
	 */
	public <T> @Nullable T call(Lease lease, LostLockPolicy policy, LockedAction<T> action) throws Throwable {
		ManagedLease managed = ((Hold) lease).lease;
		Thread thread = Thread.currentThread();
		managed.protect(thread, policy);
		T result = null;
		Throwable failure = null;
		try {
			result = action.call();
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			managed.unprotect(thread);
			lease.release();
		}
		String lostReason = managed.lostReason;
		if (lostReason != null && policy == LostLockPolicy.THROW) {
			LockLostException lost = new LockLostException(managed.info.key(), lostReason);
			if (failure != null) {
				failure.addSuppressed(lost);
				throw failure;
			}
			throw lost;
		}
		if (failure != null) {
			throw failure;
		}
		return result;
	}

	/**
	 * Starts asynchronous work under a lease from {@link #tryAcquireAsync} and ties the lease to the work's
	 * stage: it is released when the work completes or fails, when the caller cancels or completes the stage
	 * handed back, or when that stage is collected without completing. The calling thread encloses the hold
	 * only while {@code start} runs.
	 * @param declaredType the type the returned stage must have (the method's declared return type)
	 * @param holder who holds the lock, for the warning logged when an abandoned stage is released
	 * @return the stage to hand to the caller (it completes after the release), or {@code null} when
	 * {@code start} returned {@code null}
	 */
	public @Nullable Object callAsync(Lease lease, LockedAction<? extends CompletionStage<?>> start,
			Class<?> declaredType, String holder) throws Throwable {
		ManagedLease managed = ((Hold) lease).lease;
		CompletionStage<?> stage;
		try {
			stage = start.call();
		}
		catch (Throwable ex) {
			managed.unbind();
			lease.release();
			throw ex;
		}
		managed.unbind();
		if (stage == null) {
			lease.release();
			return null;
		}
		return this.stageHolds.hold(lease, stage, declaredType, holder);
	}

	/**
	 * The lost-lock policy for the given options.
	 */
	public LostLockPolicy lostPolicy(LockOptions options) {
		return (options.lostPolicy() != null) ? options.lostPolicy() : this.settings.lostPolicy();
	}

	private Duration waitTime(LockOptions options) {
		return (options.waitTime() != null) ? options.waitTime() : this.settings.defaultWaitTime();
	}

	private void failed(KeyState state, boolean permitTaken, LockInfo info, long start) {
		if (permitTaken) {
			state.permit.release();
		}
		leave(state);
		this.listener.acquireFinished(info, AcquireOutcome.ERROR, System.nanoTime() - start);
	}

	private void leave(KeyState state) {
		this.keys.computeIfPresent(state.encodedKey, (k, existing) -> (--existing.users == 0) ? null : existing);
	}

	/**
	 * Releases every lease still held and stops the scheduler; the backend is closed by its owner.
	 */
	@Override
	public void close() {
		for (KeyState state : List.copyOf(this.keys.values())) {
			ManagedLease lease = state.lease;
			if (lease != null) {
				logger.warn("Releasing lock '" + lease.info.key() + "' still held at shutdown");
				lease.finish();
			}
		}
		SharedSessions.closeSessions(this.backend); // sessions: ends this manager's sessions, never the backend
		this.scheduler.shutdownNow();
	}

	private static ThreadFactory daemonThreads() {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, "distlock-scheduler-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Code run under a lock; may throw anything, which {@link #call} rethrows unchanged.
	 */
	@FunctionalInterface
	public interface LockedAction<T> {

		/**
		 * Runs the protected code.
		 */
		@Nullable T call() throws Throwable;

	}

	/**
	 * Per-key local state: the fair permit that queues this JVM's threads, and the lease while held.
	 */
	private static final class KeyState {

		final String encodedKey;

		final Semaphore permit = new Semaphore(1, true);

		/** Threads waiting for or holding this key; guarded by the map's compute. */
		int users;

		volatile @Nullable Thread owner;

		volatile @Nullable ManagedLease lease;

		KeyState(String encodedKey) {
			this.encodedKey = encodedKey;
		}

	}

	/**
	 * One acquisition on the backend, shared by the outer hold and any nested holds of the same thread.
	 */
	private final class ManagedLease {

		final KeyState state;

		final LockInfo info;

		final BackendLease backendLease;

		final long ttlNanos;

		final long marginNanos;

		final boolean autoRenew;

		final long acquiredAtNanos = System.nanoTime();

		final long firstConfirmedAtNanos;

		final AtomicInteger holds = new AtomicInteger();

		final List<Runnable> lostCallbacks = new java.util.ArrayList<>();

		volatile @Nullable String lostReason;

		boolean finished;

		boolean backendReleased;

		@Nullable Thread protectedThread;

		boolean interruptedByUs;

		LostLockPolicy policy = LostLockPolicy.LOG;

		java.util.concurrent.@Nullable ScheduledFuture<?> renewal;

		java.util.concurrent.@Nullable ScheduledFuture<?> deadlineCheck;

		ManagedLease(KeyState state, LockInfo info, BackendLease backendLease, Duration ttl, boolean autoRenew) {
			this.state = state;
			this.info = info;
			this.backendLease = backendLease;
			this.ttlNanos = ttl.toNanos();
			this.marginNanos = LockManager.this.settings.marginNanos(ttl);
			this.autoRenew = autoRenew;
			this.firstConfirmedAtNanos = backendLease.confirmedAtNanos();
		}

		void start() {
			this.backendLease.onLost(this::lost);
			synchronized (this) {
				if (this.finished || this.lostReason != null) {
					return;
				}
				if (this.autoRenew) {
					long interval = LockManager.this.settings.renewalIntervalNanos(Duration.ofNanos(this.ttlNanos));
					this.renewal = LockManager.this.scheduler.scheduleWithFixedDelay(this::renew, interval, interval,
							TimeUnit.NANOSECONDS);
				}
				scheduleDeadlineCheck();
			}
		}

		long validUntilNanos() {
			long confirmed = this.autoRenew ? this.backendLease.confirmedAtNanos() : this.firstConfirmedAtNanos;
			return confirmed + this.ttlNanos - this.marginNanos;
		}

		boolean isHeld() {
			return this.lostReason == null && !this.finished && System.nanoTime() - validUntilNanos() < 0;
		}

		private void scheduleDeadlineCheck() {
			long delay = Math.max(0, validUntilNanos() - System.nanoTime());
			this.deadlineCheck = LockManager.this.scheduler.schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
		}

		private void checkDeadline() {
			synchronized (this) {
				if (this.finished || this.lostReason != null) {
					return;
				}
				if (System.nanoTime() - validUntilNanos() < 0) {
					scheduleDeadlineCheck();
					return;
				}
			}
			long ttlMillis = TimeUnit.NANOSECONDS.toMillis(this.ttlNanos);
			lost(this.autoRenew ? "no successful renewal within the ttl of " + ttlMillis + "ms"
					: "the ttl of " + ttlMillis + "ms elapsed and autoRenew is off");
			releaseOnBackend();
		}

		private void renew() {
			if (this.finished || this.lostReason != null) {
				return;
			}
			try {
				if (!this.backendLease.renew()) {
					lost("the server no longer holds the lock for this owner (found at renewal)");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				logger.warn("Renewal of lock '" + this.info.key() + "' failed; retrying until its validity ends: " + ex);
			}
		}

		void lost(String reason) {
			List<Runnable> callbacks;
			synchronized (this) {
				if (this.finished || this.lostReason != null) {
					return;
				}
				this.lostReason = reason;
				callbacks = List.copyOf(this.lostCallbacks);
				if (this.policy == LostLockPolicy.INTERRUPT && this.protectedThread != null) {
					this.interruptedByUs = true;
					this.protectedThread.interrupt();
				}
				cancelTasks();
			}
			// Losses are often seen on a client library's I/O or event thread; user callbacks and event listeners
			// that call the lock server from there could stall or deadlock it, so they run on our scheduler.
			dispatch(() -> {
				logger.error("Lock '" + this.info.key() + "' (" + this.info.name() + ", backend " + this.info.backend()
						+ ", fencing token " + this.backendLease.fencingToken() + ") was lost while held: " + reason
						+ ". The code it protects may overlap with another holder; only a fencing-token check at the "
						+ "protected resource rules that out.");
				LockManager.this.listener.lost(this.info, this.backendLease.fencingToken(), reason);
				callbacks.forEach(this::runCallback);
			});
		}

		private void dispatch(Runnable notification) {
			try {
				LockManager.this.scheduler.execute(notification);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				notification.run();
			}
		}

		void onLost(Runnable callback) {
			synchronized (this) {
				if (this.lostReason == null) {
					this.lostCallbacks.add(callback);
					return;
				}
			}
			runCallback(callback);
		}

		private void runCallback(Runnable callback) {
			try {
				callback.run();
			}
			catch (RuntimeException ex) {
				logger.warn("An onLost callback of lock '" + this.info.key() + "' failed", ex);
			}
		}

		synchronized void protect(Thread thread, LostLockPolicy policy) {
			if (this.protectedThread == null) {
				this.protectedThread = thread;
				this.policy = policy;
			}
		}

		void unprotect(Thread thread) {
			boolean clearInterrupt;
			synchronized (this) {
				if (this.protectedThread != thread) {
					return;
				}
				this.protectedThread = null;
				clearInterrupt = this.interruptedByUs;
				this.interruptedByUs = false;
			}
			if (clearInterrupt) {
				Thread.interrupted();
			}
		}

		/**
		 * The acquiring call's hold.
		 */
		Hold hold() {
			this.holds.incrementAndGet();
			return new Hold(this);
		}

		/**
		 * A nested hold of the enclosing thread, or {@code null} when the last hold was released meanwhile
		 * (from another thread): a finished lease is never held again.
		 */
		@Nullable Hold nestedHold() {
			int current;
			do {
				current = this.holds.get();
				if (current == 0) {
					return null;
				}
			}
			while (!this.holds.compareAndSet(current, current + 1));
			return new Hold(this);
		}

		/**
		 * Ends the acquiring thread's enclosure once the synchronous part of asynchronous work returned.
		 */
		void unbind() {
			if (this.state.owner == Thread.currentThread() && this.state.lease == this) {
				this.state.owner = null;
			}
		}

		void holdReleased() {
			if (this.holds.decrementAndGet() == 0) {
				finish();
			}
		}

		void finish() {
			synchronized (this) {
				if (this.finished) {
					return;
				}
				this.finished = true;
				cancelTasks();
			}
			boolean ours = releaseOnBackend();
			boolean wasLost = this.lostReason != null;
			if (!ours && !wasLost) {
				wasLost = true;
				this.lostReason = "the server no longer held the lock for this owner at release";
				logger.error("Lock '" + this.info.key() + "' was found gone or taken by another holder when released: "
						+ "it had been lost without notice, and the code it protected may have overlapped with another "
						+ "holder");
				LockManager.this.listener.lost(this.info, this.backendLease.fencingToken(), this.lostReason);
			}
			LockManager.this.listener.released(this.info, wasLost, System.nanoTime() - this.acquiredAtNanos);
			this.state.owner = null;
			this.state.lease = null;
			this.state.permit.release();
			leave(this.state);
		}

		/**
		 * @return whether the backend deleted our lock (or it was already released by us)
		 */
		private boolean releaseOnBackend() {
			synchronized (this) {
				if (this.backendReleased) {
					return true;
				}
				this.backendReleased = true;
			}
			try {
				return this.backendLease.release();
			}
			catch (RuntimeException ex) {
				logger.warn("Releasing lock '" + this.info.key() + "' on backend " + this.info.backend()
						+ " failed; the server frees it when its ttl expires: " + ex);
				return true;
			}
		}

		private void cancelTasks() {
			if (this.renewal != null) {
				this.renewal.cancel(false);
			}
			if (this.deadlineCheck != null) {
				this.deadlineCheck.cancel(false);
			}
		}

	}

	/**
	 * The {@link Lease} handed to callers: one hold on a managed lease, released at most once.
	 */
	private static final class Hold implements Lease {

		final ManagedLease lease;

		private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

		Hold(ManagedLease lease) {
			this.lease = lease;
		}

		@Override
		public String key() {
			return this.lease.info.key();
		}

		@Override
		public long fencingToken() {
			return this.lease.backendLease.fencingToken();
		}

		@Override
		public boolean isHeld() {
			return !this.released.get() && this.lease.isHeld();
		}

		@Override
		public void onLost(Runnable callback) {
			this.lease.onLost(Objects.requireNonNull(callback, "callback"));
		}

		@Override
		public void release() {
			if (this.released.compareAndSet(false, true)) {
				this.lease.holdReleased();
			}
		}

		@Override
		public String toString() {
			return "Lease[key=" + key() + ", fencingToken=" + fencingToken() + ", held=" + isHeld() + "]";
		}

	}

}
