package io.github.distlock.core;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one small scheduler that keeps distlock's time: renewals, validity deadlines, loss
 * notifications.
 */
final class LockScheduler implements AutoCloseable {

	private static final long ANCHOR_PERIOD_MILLIS = 200;

	private final ScheduledThreadPoolExecutor executor;

	/**
	 * @param periodic work that runs every 200ms, such as releasing the locks of
	 * abandoned stages
	 */
	LockScheduler(int threads, Runnable periodic) {
		this.executor = new ScheduledThreadPoolExecutor(threads, daemonThreads());
		this.executor.setRemoveOnCancelPolicy(true);
		// A task that becomes the head of the delay queue wakes a parked scheduler
		// thread: one context switch
		// per acquisition, measured at 10-20us per Redis acquire+release on 2 cores. A
		// periodic task that is
		// almost always due first keeps new renewal and deadline tasks off the head.
		this.executor.scheduleAtFixedRate(periodic, ANCHOR_PERIOD_MILLIS, ANCHOR_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
	}

	ScheduledExecutorService executor() {
		return this.executor;
	}

	/**
	 * Runs {@code task} on a scheduler thread soon, or on this thread once the scheduler
	 * has stopped.
	 */
	void dispatch(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			task.run();
		}
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	private static ThreadFactory daemonThreads() {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, "distlock-scheduler-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
