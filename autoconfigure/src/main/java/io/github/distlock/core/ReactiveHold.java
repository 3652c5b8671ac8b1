package io.github.distlock.core;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.github.distlock.Lease;
import io.github.distlock.LockLostException;
import io.github.distlock.LockOptions;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.core.LockRunner.NotAcquired;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * One subscription's hold on a lock: acquired on a scheduler that may block, handed to
 * {@code usingWhen} as its resource, and released exactly when the subscription ends.
 *
 * <p>
 * A cancellation can come at any point. While the lock is being acquired it interrupts
 * the acquiring thread (never once that thread has moved on, so a release never runs
 * interrupted); between acquisition and {@code usingWhen} taking the hold it releases the
 * lock; once taken, {@code usingWhen}'s cancel path releases it.
 */
final class ReactiveHold {

	private static final Object PENDING = "pending";

	private static final Object READY = "ready";

	private static final Object TAKEN = "taken";

	private static final Object CANCELLED = "cancelled";

	private final DefaultLockTemplate locks;

	private final Scheduler blocking;

	private final Object key;

	private final LockOptions options;

	private final LockedAction<?> start;

	private final NotAcquired<?> otherwise;

	private final AtomicReference<Object> state = new AtomicReference<>(PENDING);

	private @Nullable Thread acquiring;

	private @Nullable Lease lease;

	private @Nullable Publisher<?> work;

	ReactiveHold(DefaultLockTemplate locks, Scheduler blocking, Object key, LockOptions options, LockedAction<?> start,
			NotAcquired<?> otherwise) {
		this.locks = locks;
		this.blocking = blocking;
		this.key = key;
		this.options = options;
		this.start = start;
		this.otherwise = otherwise;
	}

	/**
	 * Acquires the lock and starts the work (the method's synchronous part runs here,
	 * enclosed by the hold), then hands this hold to {@code sink}; runs on the blocking
	 * scheduler.
	 */
	void acquire(MonoSink<ReactiveHold> sink) {
		synchronized (this) {
			if (this.state.get() == CANCELLED) {
				return;
			}
			this.acquiring = Thread.currentThread();
		}
		Optional<Lease> acquired;
		try {
			acquired = this.locks.tryAcquireForAsync(this.key, this.options);
		}
		catch (Throwable ex) {
			if (!acquisitionEnded()) {
				sink.error(ex);
			}
			return;
		}
		if (acquisitionEnded()) {
			acquired.ifPresent(Lease::release);
			return;
		}
		try {
			if (acquired.isEmpty()) {
				this.work = (Publisher<?>) this.otherwise.handle(this.locks.waitTime(this.options));
			}
			else {
				this.lease = acquired.get();
				this.work = startWork(this.lease);
			}
		}
		catch (Throwable ex) {
			releaseNow();
			if (this.state.get() != CANCELLED) {
				sink.error(ex);
			}
			return;
		}
		if (this.state.compareAndSet(PENDING, READY)) {
			sink.success(this);
		}
		else {
			releaseNow();
		}
	}

	/**
	 * Gives the hold up when the subscription is cancelled before {@code usingWhen} took
	 * it.
	 */
	void cancel() {
		if (this.state.compareAndSet(PENDING, CANCELLED)) {
			synchronized (this) {
				if (this.acquiring != null) {
					this.acquiring.interrupt();
				}
			}
		}
		else if (this.state.compareAndSet(READY, CANCELLED)) {
			this.blocking.schedule(this::releaseNow);
		}
		// Once taken, usingWhen owns the hold and releases it on its cancel path.
	}

	/**
	 * The work to subscribe to, under the lost-lock policy and with the lease in its
	 * context.
	 */
	@SuppressWarnings("unchecked")
	<T> Flux<T> work() {
		if (!this.state.compareAndSet(READY, TAKEN)) {
			// Cancelled meanwhile, and released by cancel().
			return Flux.empty();
		}
		Flux<T> work = (this.work != null) ? Flux.from((Publisher<T>) this.work) : Flux.empty();
		Lease held = this.lease;
		if (held == null) {
			return work;
		}
		work = work.contextWrite((context) -> context.put(Lease.class, held));
		LostLockPolicy policy = this.locks.lostPolicy(this.options);
		if (policy == LostLockPolicy.THROW) {
			return work.onErrorMap((failure) -> {
				LockLostException lost = lostException();
				if (lost != null) {
					failure.addSuppressed(lost);
				}
				return failure;
			}).concatWith(Mono.defer(this::lostError));
		}
		if (policy == LostLockPolicy.INTERRUPT) {
			// The reactive form of interrupting the thread: the work is cancelled and the
			// subscriber told why.
			Sinks.One<Boolean> lost = Sinks.one();
			held.onLost(() -> lost.tryEmitValue(true));
			return work.takeUntilOther(lost.asMono()).concatWith(Mono.defer(this::lostError));
		}
		return work;
	}

	/**
	 * Releases the lock, off the subscriber's thread: the backend call may block.
	 */
	Mono<Void> release() {
		return (this.lease != null) ? Mono.<Void>fromRunnable(this::releaseNow).subscribeOn(this.blocking)
				: Mono.empty();
	}

	private @Nullable Publisher<?> startWork(Lease acquired) throws Throwable {
		ManagedLock lock = ((LockHold) acquired).lock;
		try (var current = CurrentLease.of(acquired)) {
			return (Publisher<?>) this.start.call();
		}
		finally {
			lock.unbind();
		}
	}

	/**
	 * Ends the interruptible part; clears an interrupt that a cancellation delivered.
	 * @return whether the subscription was cancelled
	 */
	private boolean acquisitionEnded() {
		synchronized (this) {
			this.acquiring = null;
		}
		if (this.state.get() == CANCELLED) {
			Thread.interrupted();
			return true;
		}
		return false;
	}

	private void releaseNow() {
		if (this.lease != null) {
			this.lease.release();
		}
	}

	private <T> Mono<T> lostError() {
		LockLostException lost = lostException();
		return (lost != null) ? Mono.error(lost) : Mono.empty();
	}

	private @Nullable LockLostException lostException() {
		String reason = (this.lease != null) ? ((LockHold) this.lease).lock.lostReason() : null;
		return (reason != null) ? new LockLostException(this.lease.key(), reason) : null;
	}

}
