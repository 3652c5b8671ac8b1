package io.github.distlock.core;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.ReactiveLockTemplate;
import io.github.distlock.core.LockRunner.NotAcquired;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * distlock's {@link ReactiveLockTemplate}, and the reactive holds of
 * {@code @DistributedLock} methods returning {@code Mono} or {@code Flux}: each
 * subscription acquires the lock on a scheduler that may block ({@link ReactiveHold}),
 * and {@code usingWhen} releases it when the work completes, fails or is cancelled,
 * before completion and errors travel on. Loaded only when Reactor is on the classpath.
 */
public final class DefaultReactiveLockTemplate implements ReactiveLockTemplate {

	private final DefaultLockTemplate locks;

	private final Scheduler blocking;

	/**
	 * Creates the template over {@code locks}; acquisitions and releases run on Reactor's
	 * bounded-elastic scheduler.
	 */
	public DefaultReactiveLockTemplate(DefaultLockTemplate locks) {
		this(locks, Schedulers.boundedElastic());
	}

	/**
	 * Creates the template over {@code locks}; acquisitions and releases, which may
	 * block, run on {@code blocking}.
	 */
	public DefaultReactiveLockTemplate(DefaultLockTemplate locks, Scheduler blocking) {
		this.locks = Objects.requireNonNull(locks, "locks");
		this.blocking = Objects.requireNonNull(blocking, "blocking");
	}

	@Override
	public <T> Mono<T> execute(String key, LockOptions options, Mono<T> work) {
		Objects.requireNonNull(work, "work");
		return mono(key, options, () -> work, busy(key));
	}

	@Override
	public <T> Flux<T> execute(String key, LockOptions options, Flux<T> work) {
		Objects.requireNonNull(work, "work");
		return flux(key, options, () -> work, busy(key));
	}

	/**
	 * A Mono or Flux that holds the lock on {@code key} for each subscription while the
	 * publisher that {@code start} returns runs; {@code otherwise} supplies the publisher
	 * used when the lock stayed busy ({@code null}: empty).
	 * @throws io.github.distlock.InvalidLockKeyException at once for a key that cannot be
	 * a lock key
	 */
	Object hold(Object key, LockOptions options, LockedAction<?> start, boolean single, NotAcquired<?> otherwise) {
		return single ? mono(key, options, start, otherwise) : flux(key, options, start, otherwise);
	}

	private <T> Mono<T> mono(Object key, LockOptions options, LockedAction<?> start, NotAcquired<?> otherwise) {
		LockKeys.encode(key);
		return Mono.usingWhen(subscription(key, options, start, otherwise), (hold) -> Mono.fromDirect(hold.<T>work()),
				ReactiveHold::release, (hold, failure) -> hold.release(), ReactiveHold::release);
	}

	private <T> Flux<T> flux(Object key, LockOptions options, LockedAction<?> start, NotAcquired<?> otherwise) {
		LockKeys.encode(key);
		return Flux.usingWhen(subscription(key, options, start, otherwise), ReactiveHold::<T>work,
				ReactiveHold::release, (hold, failure) -> hold.release(), ReactiveHold::release);
	}

	private Mono<ReactiveHold> subscription(Object key, LockOptions options, LockedAction<?> start,
			NotAcquired<?> otherwise) {
		return Mono.create((sink) -> {
			if (this.locks.enclosesCurrentThread(key)) {
				// Waiting on the blocking scheduler for a hold that this thread must end
				// first would never succeed.
				sink.error(LockAcquirer.cannotNestAsync(LockKeys.display(key)));
				return;
			}
			ReactiveHold hold = new ReactiveHold(this.locks, this.blocking, key, options, start, otherwise);
			sink.onCancel(hold::cancel);
			try {
				this.blocking.schedule(() -> hold.acquire(sink));
			}
			catch (RejectedExecutionException ex) {
				sink.error(ex);
			}
		});
	}

	private static NotAcquired<Object> busy(String key) {
		return (waitTime) -> {
			throw new LockNotAcquiredException(LockKeys.display(key), waitTime);
		};
	}

}
