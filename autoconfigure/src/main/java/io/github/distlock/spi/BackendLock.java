package io.github.distlock.spi;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A lock held on the server, as seen by the backend. Not thread-bound: any thread may
 * renew or release it. The generic layer calls {@link #renew()} and {@link #release()}
 * from one thread at a time.
 */
public interface BackendLock {

	/**
	 * A number that strictly increases for successive holders of the same key.
	 */
	long fencingToken();

	/**
	 * The {@link System#nanoTime()} read <em>before</em> sending the request that most
	 * recently confirmed this lock on the server (the acquire, a renewal, or a session
	 * keepalive). The lock is locally valid until this instant plus the ttl minus a
	 * safety margin.
	 */
	long confirmedAtNanos();

	/**
	 * How long after {@link #confirmedAtNanos()} the generic layer may still hand this
	 * lock, held with {@code ttl}, to another thread of this instance without a round
	 * trip. The default, a tenth of the ttl, leaves the next holder nearly the whole
	 * validity a new acquisition would give it. A lock whose validity a session's own
	 * keepalives carry answers longer: a new acquisition on that session would be
	 * confirmed no more recently.
	 * @return the window in nanoseconds
	 */
	default long handOverWindowNanos(Duration ttl) {
		return ttl.toNanos() / 10;
	}

	/**
	 * How long, at most, the server keeps this lock after a confirmation, when the server
	 * bounds that below the requested ttl (ZooKeeper: the negotiated session timeout,
	 * which the server may set lower than asked). The local validity never extends past
	 * it, so {@code isHeld()} turns false before the server can hand the lock on.
	 * @return the bound in nanoseconds; {@link Long#MAX_VALUE} (the default) when the
	 * server honours the ttl
	 */
	default long maxValidityNanos() {
		return Long.MAX_VALUE;
	}

	/**
	 * Confirms on the server that the lock is still ours for another ttl from the send
	 * time of the confirming request, and records that time in
	 * {@link #confirmedAtNanos()}. For a lock carrying its own ttl (Redis, local) that
	 * means extending it. For a lock on a server session ({@link SessionLockBackend}) the
	 * session's keepalives extend it and set its confirmation, so renewal only checks
	 * what a keepalive cannot see ({@link SessionLock#stillHeld()}).
	 * @return {@code true} when the lock is still ours; {@code false} when the server
	 * says it is gone or owned by someone else (the lock is then lost)
	 * @throws io.github.distlock.LockBackendException when the server could not be asked;
	 * the generic layer retries until the lock's validity deadline passes
	 */
	boolean renew() throws InterruptedException;

	/**
	 * Releases the lock on the server if, and only if, it is still ours
	 * (compare-and-delete).
	 * @return {@code true} when our lock was deleted; {@code false} when it was already
	 * gone or owned by another holder, in which case nothing was changed
	 * @throws io.github.distlock.LockBackendException when the server could not be
	 * reached
	 */
	boolean release();

	/**
	 * Whether, as far as the backend can tell, a client of another instance waited for
	 * this lock when {@link #release()} freed it. Then the generic layer lets that client
	 * go first before this instance's next thread competes for the lock again (after a
	 * run of local hand-overs). Backends whose server queues waiters in order answer
	 * {@code false}: the server serves them first anyway. The default, {@code true}, is
	 * right when the backend cannot tell.
	 * @return whether others waited
	 */
	default boolean othersWaitedAtRelease() {
		return true;
	}

	/**
	 * Registers the single listener the backend calls, at most once and from any thread,
	 * when the server tells it this lock is gone (a session expired, a keepalive failed,
	 * the key was taken). If the loss was already observed, the listener is called at
	 * once.
	 */
	void onLost(Consumer<String> listener);

}
