package io.github.distlock;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link LockTemplate} for Reactor pipelines: a bean when Reactor is on the classpath.
 *
 * <pre>{@code
 * Mono<Receipt> paid = reactiveLocks.execute("order:" + id, LockOptions.ttl(Duration.ofSeconds(10)),
 *         payments.charge(id));
 * }</pre>
 *
 * <p>
 * Nothing happens until the result is subscribed to. Each subscription is a hold of its
 * own: it acquires the lock (on Reactor's bounded-elastic scheduler, so no blocking call
 * runs on an event loop), subscribes to {@code work}, and releases the lock when
 * {@code work} completes, fails or the subscription is cancelled; completion and errors
 * reach the subscriber after the release. Two subscriptions from one thread are never
 * reentrant: the second waits for the first like any other caller. A lock that stays busy
 * for the whole wait time makes the result fail with {@link LockNotAcquiredException}.
 * The lease is in the subscriber context of {@code work}: see {@link #currentLease()}.
 */
public interface ReactiveLockTemplate {

	/**
	 * Holds the lock on {@code key} while each subscription to the returned Mono runs
	 * {@code work}.
	 */
	<T> Mono<T> execute(String key, LockOptions options, Mono<T> work);

	/**
	 * Holds the lock on {@code key} while each subscription to the returned Flux runs
	 * {@code work}.
	 */
	<T> Flux<T> execute(String key, LockOptions options, Flux<T> work);

	/**
	 * The lease of the lock that the surrounding pipeline runs under (a
	 * {@code @DistributedLock} method returning Mono or Flux, or {@link #execute}), read
	 * from the subscriber context; empty outside such a pipeline.
	 *
	 * <pre>{@code
	 * ReactiveLockTemplate.currentLease().flatMap((lease) -> store.write(invoice, lease.fencingToken()))
	 * }</pre>
	 */
	static Mono<Lease> currentLease() {
		return Mono.deferContextual((context) -> Mono.justOrEmpty(context.getOrEmpty(Lease.class)));
	}

}
