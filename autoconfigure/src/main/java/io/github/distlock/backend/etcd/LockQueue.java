package io.github.distlock.backend.etcd;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.distlock.LockBackendException;
import io.github.distlock.spi.ServerSession;

/**
 * The revision-ordered queue of etcd's own mutex ({@code clientv3/concurrency}): each
 * contender puts {@code <prefix><lease id>} attached to its lease, the key with the
 * lowest create revision under the prefix holds the lock, and each waiter watches only
 * the key just ahead of it for deletion, so the queue is FIFO and a release wakes exactly
 * one waiter.
 */
final class LockQueue {

	/** Returned when the wait time ran out; our key has been removed. */
	static final long BUSY = -1;

	/**
	 * Returned when our key or lease vanished while queued; the caller may queue again.
	 */
	static final long GONE = 0;

	private static final long WATCH_FAILED = -1;

	/**
	 * How often a waiter reads its predecessor while its watch may still be catching up.
	 */
	private static final long CATCH_UP_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	/**
	 * How long a watch may take to catch up: etcd's catch-up loop runs every 100 ms.
	 */
	private static final long CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	private static final GetOption FIRST_CREATED = GetOption.builder()
		.isPrefix(true)
		.withSortField(GetOption.SortTarget.CREATE)
		.withSortOrder(GetOption.SortOrder.ASCEND)
		.withLimit(1)
		.build();

	private final KV kv;

	private final Watch watch;

	private final EtcdCalls calls;

	private final LeftoverKeys leftovers;

	LockQueue(KV kv, Watch watch, EtcdCalls calls, LeftoverKeys leftovers) {
		this.kv = kv;
		this.watch = watch;
		this.calls = calls;
		this.leftovers = leftovers;
	}

	/**
	 * Queues for the lock under {@code prefix} with key {@code own} on lease
	 * {@code leaseId} of {@code session} and waits for our turn until
	 * {@code deadlineNanos}. Uncontended, this is one transaction. When etcd says the
	 * lease is gone, the session is reported ended.
	 * @return our key's create revision once it is the lowest, {@link #BUSY} or
	 * {@link #GONE}
	 */
	long acquire(ByteSequence prefix, ByteSequence own, long leaseId, ServerSession session, long deadlineNanos)
			throws InterruptedException {
		if (!this.leftovers.clean(own)) {
			throw new LockBackendException("etcd could not delete our leftover key " + own + " before queuing again",
					true);
		}
		try {
			// Put our key unless a call that failed on our side left it there, and read
			// the holder, atomically.
			TxnResponse entered = this.calls.await(this.kv.txn()
				.If(new Cmp(own, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
				.Then(Op.put(own, ByteSequence.EMPTY, PutOption.builder().withLeaseId(leaseId).build()),
						Op.get(prefix, FIRST_CREATED))
				.Else(Op.get(own, GetOption.DEFAULT), Op.get(prefix, FIRST_CREATED))
				.commit(), "queue for lock " + prefix);
			List<KeyValue> holder;
			long mine;
			if (entered.isSucceeded()) {
				mine = entered.getHeader().getRevision();
				holder = entered.getGetResponses().get(0).getKvs();
			}
			else {
				mine = entered.getGetResponses().get(0).getKvs().get(0).getCreateRevision();
				holder = entered.getGetResponses().get(1).getKvs();
			}
			if (!holder.isEmpty() && holder.get(0).getCreateRevision() == mine) {
				return mine;
			}
			return awaitTurn(prefix, own, mine, deadlineNanos);
		}
		catch (LockBackendException ex) {
			if (EtcdCalls.isLeaseNotFound(ex)) {
				session.ended("etcd lease " + session.id() + " expired or was revoked on the server");
				return GONE;
			}
			this.leftovers.add(own);
			throw ex;
		}
		catch (InterruptedException | RuntimeException ex) {
			this.leftovers.add(own);
			throw ex;
		}
	}

	/**
	 * Waits until no key created before ours is left, re-checking after every wake-up
	 * that our own key still exists: a grant to a key whose lease has expired (etcd
	 * #11456) is never taken as ours.
	 */
	private long awaitTurn(ByteSequence prefix, ByteSequence own, long mine, long deadlineNanos)
			throws InterruptedException {
		GetOption ahead = GetOption.builder()
			.isPrefix(true)
			.withMaxCreateRevision(mine - 1)
			.withSortField(GetOption.SortTarget.CREATE)
			.withSortOrder(GetOption.SortOrder.DESCEND)
			.withLimit(1)
			.build();
		while (true) {
			long remaining = deadlineNanos - System.nanoTime();
			if (remaining <= 0) {
				leave(own, mine);
				return BUSY;
			}
			TxnResponse state = this.calls.await(
					this.kv.txn().Then(Op.get(prefix, ahead), Op.get(own, GetOption.DEFAULT)).commit(),
					"read the queue of lock " + prefix);
			List<KeyValue> ours = state.getGetResponses().get(1).getKvs();
			if (ours.isEmpty() || ours.get(0).getCreateRevision() != mine) {
				return GONE;
			}
			List<KeyValue> predecessor = state.getGetResponses().get(0).getKvs();
			if (predecessor.isEmpty()) {
				return mine;
			}
			awaitDeletion(predecessor.get(0), state.getHeader().getRevision(), remaining);
		}
	}

	/**
	 * Returns when {@code predecessor} is deleted after our read at {@code readRevision},
	 * when the watch fails, or after {@code timeoutNanos}.
	 *
	 * <p>
	 * The watch starts at the server's current revision, never in the past: etcd serves a
	 * watch that starts at a revision it has passed from a loop that runs every 100 ms,
	 * and with several instances queued other waiters write between our read and the
	 * watch. The watch delivers every event after the revision its creation reports; when
	 * that is later than our read, the deletion may lie in between, so we read the key
	 * once more.
	 *
	 * <p>
	 * Even a watch from the current revision can start behind: etcd reads the revision
	 * before it registers the watch, and a write in between leaves the watch to the same
	 * loop (about 1 % of hand-offs with 8 instances on one key, each 20 to 95 ms late).
	 * Its creation does not tell, but etcd (3.5) answers a progress request only once the
	 * watch has caught up; until that answer, or for at most {@link #CATCH_UP_NANOS}, we
	 * also read the key every {@link #CATCH_UP_POLL_NANOS}.
	 */
	private void awaitDeletion(KeyValue predecessor, long readRevision, long timeoutNanos) throws InterruptedException {
		long deadline = System.nanoTime() + timeoutNanos;
		CompletableFuture<Long> watching = new CompletableFuture<>();
		CompletableFuture<Void> caughtUp = new CompletableFuture<>();
		CompletableFuture<Void> deleted = new CompletableFuture<>();
		WatchOption option = WatchOption.builder()
			.withNoPut(true)
			.withCreateNotify(true)
			.withRequireLeader(true)
			.build();
		Watch.Listener listener = Watch.listener((response) -> {
			if (response.isCreatedNotify()) {
				watching.complete(response.getHeader().getRevision());
			}
			else if (response.isProgressNotify()) {
				caughtUp.complete(null);
			}
			else if (response.getEvents()
				.stream()
				.anyMatch((event) -> event.getEventType() == WatchEvent.EventType.DELETE)) {
				deleted.complete(null);
			}
		}, (error) -> wakeUp(watching, caughtUp, deleted), () -> wakeUp(watching, caughtUp, deleted));
		// A failed or ended watch (leader loss, closed client) wakes us too: the caller
		// reads the queue again.
		try (Watch.Watcher watcher = this.watch.watch(predecessor.getKey(), option, listener)) {
			long watchedFrom = watching.get(timeoutNanos, TimeUnit.NANOSECONDS);
			if (watchedFrom == WATCH_FAILED || (watchedFrom > readRevision && !stillThere(predecessor))) {
				return;
			}
			watcher.requestProgress();
			long catchUpEnds = System.nanoTime() + CATCH_UP_NANOS;
			CompletableFuture<Object> deletedOrCaughtUp = CompletableFuture.anyOf(deleted, caughtUp);
			while (!caughtUp.isDone() && System.nanoTime() - catchUpEnds < 0) {
				try {
					deletedOrCaughtUp.get(Math.min(CATCH_UP_POLL_NANOS, deadline - System.nanoTime()),
							TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException ex) {
					if (deadline - System.nanoTime() <= 0 || !stillThere(predecessor)) {
						return;
					}
				}
				if (deleted.isDone()) {
					return;
				}
			}
			deleted.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			// The caller checks the deadline.
		}
	}

	private static void wakeUp(CompletableFuture<Long> watching, CompletableFuture<Void> caughtUp,
			CompletableFuture<Void> deleted) {
		watching.complete(WATCH_FAILED);
		caughtUp.complete(null);
		deleted.complete(null);
	}

	/** Whether the same key (not one created anew under its name) still exists. */
	private boolean stillThere(KeyValue key) throws InterruptedException {
		List<KeyValue> now = this.calls
			.await(this.kv.get(key.getKey(), GetOption.DEFAULT), "read lock queue key " + key.getKey())
			.getKvs();
		return !now.isEmpty() && now.get(0).getCreateRevision() == key.getCreateRevision();
	}

	/** Removes our key, if it is still the one we queued with. */
	private void leave(ByteSequence own, long mine) throws InterruptedException {
		this.calls.await(this.kv.txn()
			.If(new Cmp(own, Cmp.Op.EQUAL, CmpTarget.createRevision(mine)))
			.Then(Op.delete(own, DeleteOption.DEFAULT))
			.commit(), "leave the queue of " + own);
	}

}
