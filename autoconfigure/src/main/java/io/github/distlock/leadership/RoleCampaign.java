package io.github.distlock.leadership;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.distlock.Lease;
import io.github.distlock.LeadershipGrantedEvent;
import io.github.distlock.LeadershipRevokedEvent;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The campaign for one role, on a thread of its own: wait for the role's lock (in bounded
 * waits, so that a stop is noticed), lead while its renewed lease is valid, and after a
 * loss or a failed attempt campaign again after a back-off that doubles up to the ttl.
 */
final class RoleCampaign implements Runnable {

	private static final Log logger = LogFactory.getLog(RoleCampaign.class);

	private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

	private final String role;

	private final String key;

	private final LockTemplate locks;

	private final LockOptions options;

	private final ApplicationEventPublisher events;

	private final Object source;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final Thread thread;

	private volatile boolean running = true;

	private volatile @Nullable Term term;

	RoleCampaign(String role, LockTemplate locks, Duration ttl, ApplicationEventPublisher events, Object source) {
		this.role = role;
		this.key = "leadership:" + role;
		this.locks = locks;
		// Each wait is bounded by the ttl: a leader's lease ends within one, so a longer
		// wait would only delay noticing a stop.
		this.options = LockOptions.ttl(ttl).withWaitTime(ttl).withName("leadership:" + role);
		this.events = events;
		this.source = source;
		this.thread = new Thread(this, "distlock-leadership-" + role);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/**
	 * Whether this instance leads the role: its lease is held and locally valid.
	 */
	boolean isLeader() {
		Term current = this.term;
		return current != null && current.lease.isHeld();
	}

	OptionalLong fencingToken() {
		Term current = this.term;
		return (current != null && current.lease.isHeld()) ? OptionalLong.of(current.lease.fencingToken())
				: OptionalLong.empty();
	}

	@Override
	public void run() {
		Duration backoff = FIRST_BACKOFF;
		while (this.running) {
			Optional<Lease> acquired;
			try {
				acquired = this.locks.tryAcquire(this.key, this.options);
			}
			catch (LockNotAcquiredException ex) {
				// Interrupted, by stop() or whoever: the loop decides whether to go on.
				Thread.interrupted();
				continue;
			}
			catch (RuntimeException ex) {
				logger.warn("Campaign for leadership of '" + this.role + "' failed; trying again in " + backoff + ": "
						+ ex);
				backoff = pause(backoff);
				continue;
			}
			if (acquired.isPresent()) {
				lead(acquired.get());
				backoff = pause(FIRST_BACKOFF);
			}
		}
	}

	/**
	 * Leads until the lease is lost or the campaign stops.
	 */
	private void lead(Lease lease) {
		Term current = new Term(lease);
		synchronized (this) {
			if (!this.running) {
				lease.release();
				return;
			}
			this.term = current;
		}
		logger.info("This instance now leads '" + this.role + "' (fencing token " + lease.fencingToken() + ")");
		this.events.publishEvent(new LeadershipGrantedEvent(this.source, this.role, lease.fencingToken()));
		// After the grant was announced, so that a revocation is never announced first; a
		// loss meanwhile runs the callback at once.
		lease.onLost(() -> current.end("the leadership lease was lost or its validity ended", false));
		try {
			current.over.await();
		}
		catch (InterruptedException ex) {
			// stop() ends the term itself.
		}
		lease.release();
	}

	/**
	 * Waits before the next attempt, unless stopped.
	 * @return the next back-off
	 */
	private Duration pause(Duration backoff) {
		try {
			this.stopped.await(backoff.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Thread.interrupted();
		Duration next = backoff.multipliedBy(2);
		Duration max = this.options.ttl();
		return (max != null && next.compareTo(max) > 0) ? max : next;
	}

	/**
	 * Ends the campaign, giving the role up, and waits up to {@code timeout} for its
	 * thread.
	 */
	void stop(Duration timeout) {
		Term current;
		synchronized (this) {
			this.running = false;
			current = this.term;
		}
		this.stopped.countDown();
		if (current != null) {
			current.end("the application is shutting down", true);
			// Released here rather than by the campaign thread, which is interrupted
			// next.
			current.lease.release();
		}
		this.thread.interrupt();
		try {
			this.thread.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * One leadership, from the grant until its end is announced, exactly once.
	 */
	private final class Term {

		final Lease lease;

		final CountDownLatch over = new CountDownLatch(1);

		private final AtomicBoolean ended = new AtomicBoolean();

		Term(Lease lease) {
			this.lease = lease;
		}

		void end(String reason, boolean expected) {
			if (!this.ended.compareAndSet(false, true)) {
				return;
			}
			RoleCampaign.this.term = null;
			String message = "This instance no longer leads '" + RoleCampaign.this.role + "': " + reason;
			if (expected) {
				logger.info(message);
			}
			else {
				logger.warn(message);
			}
			RoleCampaign.this.events.publishEvent(new LeadershipRevokedEvent(RoleCampaign.this.source,
					RoleCampaign.this.role, this.lease.fencingToken(), reason));
			this.over.countDown();
		}

	}

}
