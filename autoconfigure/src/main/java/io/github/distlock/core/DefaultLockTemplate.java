package io.github.distlock.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.LockedActionException;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.MultiLease;
import io.github.distlock.core.LockListener.AcquireOutcome;
import io.github.distlock.core.LockListener.LockInfo;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockBackend;
import org.jspecify.annotations.Nullable;

/**
 * distlock's {@link LockTemplate}, and the entry point of the generic layer that every
 * backend shares.
 *
 * <p>
 * An acquisition first takes the key's place in the in-JVM {@link KeyQueue}, so only one
 * thread of this JVM talks to the backend per key; what the backend grants becomes a
 * {@link ManagedLock} (validity deadline, renewal, loss), handed out as
 * {@link LockHold}s. A thread acquiring a key whose held lock encloses it (it acquired
 * the lease and has not released it, or runs the synchronous part of an asynchronous
 * hold) gets a nested hold instead; a hold whose work continues in a
 * {@link CompletionStage} ({@link StageHolds}) encloses nobody once that synchronous part
 * returned, so later calls wait for it like any other caller. {@link LockedCall} applies
 * the lost-lock policy to code run under a lock.
 */
public final class DefaultLockTemplate implements LockTemplate, LockRunner, AutoCloseable {

	private final LockBackend backend;

	private final LockSettings settings;

	private final LockListener listener;

	private final LockObserver observer;

	private final RecentLosses recentLosses = new RecentLosses();

	private final KeyQueue queue = new KeyQueue();

	private final LockInventory inventory = new LockInventory(this.queue, this.recentLosses);

	private final StageHolds stageHolds = new StageHolds();

	private final LockScheduler scheduler;

	private final LockAcquirer acquirer;

	private volatile @Nullable DefaultReactiveLockTemplate reactive;

	/**
	 * Creates the template over a backend; {@code listeners} observe every lock.
	 */
	public DefaultLockTemplate(LockBackend backend, LockSettings settings, List<? extends LockListener> listeners) {
		this(backend, settings, listeners, LockObserver.NONE);
	}

	/**
	 * Creates the template over a backend; {@code listeners} hear how each acquisition
	 * and hold ended, {@code observer} follows them from their beginning.
	 */
	public DefaultLockTemplate(LockBackend backend, LockSettings settings, List<? extends LockListener> listeners,
			LockObserver observer) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.observer = Objects.requireNonNull(observer, "observer");
		this.listener = new SafeLockListener(
				Stream.concat(Stream.of(this.recentLosses), listeners.stream()).map(LockListener.class::cast).toList());
		this.scheduler = new LockScheduler(settings.schedulerThreads(), this.stageHolds::releaseUnreachable);
		// A SessionLockBackend's sessions are shared per ttl and kept alive on this
		// scheduler.
		this.backend = SharedSessions.wrap(Objects.requireNonNull(backend, "backend"), this.scheduler.executor());
		this.acquirer = new LockAcquirer(this.backend, settings, this.listener, observer, this.queue, this.inventory,
				this.scheduler);
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
		return this.inventory.heldLocks();
	}

	/**
	 * The held locks and the recent losses, as operators see and handle them.
	 */
	public LockInventory inventory() {
		return this.inventory;
	}

	/**
	 * Checks the backend's connection when it offers a check.
	 * @return whether a check was made
	 * @throws LockBackendException when the check failed
	 */
	public boolean checkConnection() {
		if (this.backend instanceof ConnectionCheck check) {
			check.checkConnection();
			return true;
		}
		return false;
	}

	@Override
	public <T> T execute(String key, LockOptions options, Callable<T> action) {
		Lease lease = acquire(key, options);
		return unchecked(key, () -> call(lease, lostPolicy(options), action::call));
	}

	@Override
	public MultiLease acquireAll(Collection<String> keys, LockOptions options) {
		return tryAcquireAll(keys, options)
			.orElseThrow(() -> new LockNotAcquiredException(LockKeys.display(keys), waitTime(options)));
	}

	@Override
	public <T> T executeAll(Collection<String> keys, LockOptions options, Callable<T> action) {
		MultiLease leases = acquireAll(keys, options);
		return unchecked(LockKeys.display(keys), () -> KeySet.call(leases.leases(), lostPolicy(options), action::call));
	}

	/**
	 * Acquires the locks on all {@code keys}, each a string or a list or array of parts,
	 * in one global order.
	 * @return the leases, or empty when a key stayed busy for the whole wait time
	 */
	public Optional<MultiLease> tryAcquireAll(Collection<?> keys, LockOptions options) {
		return KeySet.of(keys).acquire(options, waitTime(options), (key, each) -> tryAcquire(key, each, false));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> executeAsync(String key, LockOptions options,
			Supplier<? extends CompletionStage<T>> action) {
		try {
			Lease lease = tryAcquire(key, options, true)
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
		return tryAcquire(key, options)
			.orElseThrow(() -> new LockNotAcquiredException(LockKeys.display(key), waitTime(options)));
	}

	/**
	 * Acquires a lock whose key is a string, or a list or array of parts.
	 * @return the lease, or empty when the lock stayed busy for the whole wait time
	 * @throws LockNotAcquiredException when interrupted while waiting (the interrupt flag
	 * is set again)
	 * @throws LockBackendException when the backend failed
	 */
	public Optional<Lease> tryAcquire(Object key, LockOptions options) {
		return tryAcquire(key, options, false);
	}

	@Override
	public <T> @Nullable T run(Object key, LockOptions options, LockedAction<T> action, NotAcquired<T> otherwise)
			throws Throwable {
		Optional<Lease> lease = tryAcquire(key, options, false);
		if (lease.isEmpty()) {
			return otherwise.handle(waitTime(options));
		}
		return call(lease.get(), lostPolicy(options), action);
	}

	@Override
	public <T> @Nullable T runAll(List<?> keys, LockOptions options, LockedAction<T> action, NotAcquired<T> otherwise)
			throws Throwable {
		Optional<MultiLease> leases = tryAcquireAll(keys, options);
		if (leases.isEmpty()) {
			return otherwise.handle(waitTime(options));
		}
		return KeySet.call(leases.get().leases(), lostPolicy(options), action);
	}

	@Override
	public @Nullable Object runAsync(Object key, LockOptions options, LockedAction<? extends CompletionStage<?>> start,
			Class<?> declaredType, String holder, NotAcquired<Object> otherwise) throws Throwable {
		Optional<Lease> lease = tryAcquire(key, options, true);
		if (lease.isEmpty()) {
			return otherwise.handle(waitTime(options));
		}
		return callAsync(lease.get(), start, declaredType, holder);
	}

	@Override
	public Object runReactive(Object key, LockOptions options, LockedAction<?> start, boolean single,
			NotAcquired<Object> otherwise) {
		return reactive().hold(key, options, start, single, otherwise);
	}

	/**
	 * The reactive side of this template, whose holds this template's queue and scheduler
	 * keep; needs Reactor on the classpath.
	 */
	public DefaultReactiveLockTemplate reactive() {
		DefaultReactiveLockTemplate template = this.reactive;
		if (template == null) {
			// Created on first use: this class must load without Reactor.
			template = new DefaultReactiveLockTemplate(this);
			this.reactive = template;
		}
		return template;
	}

	/**
	 * Runs {@code action} under an acquired lease, releases the lease, and applies the
	 * lost-lock policy.
	 */
	public <T> @Nullable T call(Lease lease, LostLockPolicy policy, LockedAction<T> action) throws Throwable {
		return LockedCall.run((LockHold) lease, policy, action);
	}

	/**
	 * Acquires a lock whose work continues asynchronously: never nested in an enclosing
	 * hold; the calling thread is enclosed until the lock's {@code unbind}.
	 */
	Optional<Lease> tryAcquireForAsync(Object key, LockOptions options) {
		return tryAcquire(key, options, true);
	}

	/**
	 * Whether a hold on {@code key} encloses the calling thread.
	 */
	boolean enclosesCurrentThread(Object key) {
		return this.queue.encloses(LockKeys.encode(key));
	}

	/**
	 * Starts asynchronous work under a lease acquired for it and ties the lease to the
	 * work's stage ({@link StageHolds}); the calling thread is enclosed by the hold only
	 * while {@code start} runs.
	 */
	private @Nullable Object callAsync(Lease lease, LockedAction<? extends CompletionStage<?>> start,
			Class<?> declaredType, String holder) throws Throwable {
		ManagedLock lock = ((LockHold) lease).lock;
		CompletionStage<?> stage;
		try (var current = CurrentLease.of(lease)) {
			stage = start.call();
		}
		catch (Throwable ex) {
			lock.unbind();
			lease.release();
			throw ex;
		}
		lock.unbind();
		if (stage == null) {
			lease.release();
			return null;
		}
		return this.stageHolds.hold(lease, stage, declaredType, holder);
	}

	private static <T> T unchecked(String key, LockedAction<T> call) {
		try {
			return call.call();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new LockedActionException(key, (ex instanceof Exception checked) ? checked : new Exception(ex));
		}
	}

	LostLockPolicy lostPolicy(LockOptions options) {
		return (options.lostPolicy() != null) ? options.lostPolicy() : this.settings.lostPolicy();
	}

	Duration waitTime(LockOptions options) {
		return this.acquirer.waitTime(options);
	}

	private Optional<Lease> tryAcquire(Object key, LockOptions options, boolean async) {
		return this.acquirer.tryAcquire(key, options, async);
	}

	/**
	 * Shuts down gracefully: from now on no new lock is granted (acquisitions fail with
	 * {@link LockNotAcquiredException}; nested holds of running code still work), the
	 * locks held now are given up to {@code gracePeriod} to be released by their holders,
	 * and then every lock still held is reported lost and released, and the sessions are
	 * ended. Called again, or after {@link #close()}, it does nothing.
	 */
	public void shutdown(Duration gracePeriod) {
		if (!this.inventory.beginShutdown()) {
			return;
		}
		this.inventory.drain(gracePeriod);
		// Ends this template's sessions; the backend itself is closed by its owner.
		SharedSessions.closeSessions(this.backend);
		this.scheduler.close();
	}

	/**
	 * Whether {@link #shutdown} has begun.
	 */
	public boolean isShuttingDown() {
		return this.inventory.isShuttingDown();
	}

	/**
	 * Shuts down at once: every lock still held is reported lost and released, and the
	 * sessions are ended; the backend is closed by its owner.
	 */
	@Override
	public void close() {
		shutdown(Duration.ZERO);
	}

}
