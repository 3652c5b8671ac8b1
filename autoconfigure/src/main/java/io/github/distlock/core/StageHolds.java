package io.github.distlock.core;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import io.github.distlock.Lease;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Ties a lease to the {@link CompletionStage} of the work it protects: the lease is
 * released when the work completes or fails, when the caller cancels (or otherwise
 * completes) the stage it was handed, and when that stage became unreachable without
 * completing, since then nothing can ever complete it.
 *
 * <p>
 * The caller is handed a new {@link CompletableFuture} that completes only after the
 * lease was released, so nobody sees the work done while the lock is still held.
 * Completing that future first (cancel, {@code orTimeout}, {@code complete}) releases the
 * lease and cancels the work's stage when it is a {@link Future}, which is as far as the
 * JDK lets cancellation reach: a running {@code CompletableFuture} task is not
 * interrupted.
 */
final class StageHolds {

	private static final Log logger = LogFactory.getLog(StageHolds.class);

	private final ReferenceQueue<Object> unreachable = new ReferenceQueue<>();

	/**
	 * Keeps the references themselves reachable until their stage ends or is collected.
	 */
	private final Set<UnreachableStage> watched = ConcurrentHashMap.newKeySet();

	/**
	 * Releases {@code lease} when {@code work} ends or the stage handed back is given up.
	 * @param declaredType the declared return type the handed-back stage must fit
	 * @return the stage to hand to the caller
	 */
	CompletionStage<?> hold(Lease lease, CompletionStage<?> work, Class<?> declaredType, String holder) {
		CompletableFuture<Object> handedBack = new CancellingFuture(work);
		if (!declaredType.isInstance(handedBack)) {
			// A CompletionStage type of the method's own: only its stage fits, so it is
			// watched directly.
			UnreachableStage watch = watch(work, lease, holder);
			work.whenComplete((value, failure) -> release(lease, watch));
			return work;
		}
		UnreachableStage watch = watch(handedBack, lease, holder);
		work.whenComplete((value, failure) -> {
			release(lease, watch);
			if (failure != null) {
				handedBack.completeExceptionally(failure);
			}
			else {
				handedBack.complete(value);
			}
		});
		handedBack.whenComplete((value, failure) -> {
			// Completed before the work was (cancel, orTimeout, complete): the caller
			// gave up on the work.
			release(lease, watch);
			if (work instanceof Future<?> future && !future.isDone()) {
				future.cancel(false);
			}
		});
		return handedBack;
	}

	/**
	 * Releases the leases whose stages were collected without completing; called
	 * periodically.
	 */
	void releaseUnreachable() {
		Reference<?> reference;
		while ((reference = this.unreachable.poll()) != null) {
			UnreachableStage stage = (UnreachableStage) reference;
			if (this.watched.remove(stage) && stage.lease.isHeld()) {
				logger.warn("Releasing lock '" + stage.lease.key() + "' held by " + stage.holder
						+ ": the CompletionStage of its work became unreachable without completing, so nothing could "
						+ "ever complete it and release the lock");
			}
			stage.lease.release();
		}
	}

	private UnreachableStage watch(Object stage, Lease lease, String holder) {
		UnreachableStage watch = new UnreachableStage(stage, lease, holder, this.unreachable);
		this.watched.add(watch);
		return watch;
	}

	private void release(Lease lease, UnreachableStage watch) {
		this.watched.remove(watch);
		watch.clear();
		lease.release();
	}

	/**
	 * A reference enqueued once its stage is collected; it must not reach the stage
	 * itself.
	 */
	private static final class UnreachableStage extends PhantomReference<Object> {

		final Lease lease;

		final String holder;

		UnreachableStage(Object stage, Lease lease, String holder, ReferenceQueue<Object> queue) {
			super(stage, queue);
			this.lease = lease;
			this.holder = holder;
		}

	}

	/**
	 * The stage handed back: cancelling it passes the cancellation, with its interrupt
	 * flag, on to the work.
	 */
	private static final class CancellingFuture extends CompletableFuture<Object> {

		private final CompletionStage<?> work;

		CancellingFuture(CompletionStage<?> work) {
			this.work = work;
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			// The work first, so that a work stage which honours the interrupt flag sees
			// it.
			if (this.work instanceof Future<?> future) {
				future.cancel(mayInterruptIfRunning);
			}
			super.cancel(mayInterruptIfRunning);
			return isCancelled();
		}

		@Override
		public <U> CompletableFuture<U> newIncompleteFuture() {
			// Stages derived from the handed-back one are plain futures: cancelling them
			// does not reach the work.
			return new CompletableFuture<>();
		}

	}

}
