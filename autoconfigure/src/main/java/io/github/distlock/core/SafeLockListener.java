package io.github.distlock.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Fans out to several listeners, so a failing one neither breaks locking nor silences the
 * others; the first failure is logged at WARN, later ones at DEBUG.
 */
final class SafeLockListener implements LockListener {

	private static final Log logger = LogFactory.getLog(SafeLockListener.class);

	private final List<LockListener> delegates;

	private final AtomicBoolean warned = new AtomicBoolean();

	SafeLockListener(List<LockListener> delegates) {
		this.delegates = delegates;
	}

	@Override
	public void acquireFinished(LockInfo lock, AcquireOutcome outcome, long waitNanos) {
		each((delegate) -> delegate.acquireFinished(lock, outcome, waitNanos));
	}

	@Override
	public void released(LockInfo lock, boolean lost, long holdNanos) {
		each((delegate) -> delegate.released(lock, lost, holdNanos));
	}

	@Override
	public void lost(LockInfo lock, long fencingToken, String reason) {
		each((delegate) -> delegate.lost(lock, fencingToken, reason));
	}

	private void each(Consumer<LockListener> call) {
		for (LockListener delegate : this.delegates) {
			try {
				call.accept(delegate);
			}
			catch (RuntimeException ex) {
				failed(delegate, ex);
			}
		}
	}

	private void failed(LockListener delegate, RuntimeException ex) {
		if (this.warned.compareAndSet(false, true)) {
			logger.warn("Lock listener " + delegate + " failed; further failures are logged at DEBUG", ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Lock listener " + delegate + " failed", ex);
		}
	}

}
