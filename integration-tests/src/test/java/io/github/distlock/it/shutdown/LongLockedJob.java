package io.github.distlock.it.shutdown;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.distlock.DistributedLock;

/**
 * A locked method that runs until the test lets it finish (at most a minute), and one
 * that returns at once, to try to lock during shutdown.
 */
public class LongLockedJob {

	/** The key of the long method's lock. */
	public static final String KEY = "nightly-report";

	private final CountDownLatch started = new CountDownLatch(1);

	private final CountDownLatch finish = new CountDownLatch(1);

	@DistributedLock(key = "'" + KEY + "'", ttl = "60s", name = "report")
	public void runLong() throws InterruptedException {
		this.started.countDown();
		// Bounded, so a broken test cannot hang the build; interrupted it ends at once.
		this.finish.await(60, TimeUnit.SECONDS);
	}

	/**
	 * Whether the long method started within the timeout (a method, so that it reaches
	 * the bean behind distlock's proxy).
	 */
	public boolean awaitStarted(long seconds) throws InterruptedException {
		return this.started.await(seconds, TimeUnit.SECONDS);
	}

	/**
	 * Lets the long method return.
	 */
	public void finish() {
		this.finish.countDown();
	}

	@DistributedLock(key = "'other'", name = "other")
	public String runShort() {
		return "ran";
	}

}
