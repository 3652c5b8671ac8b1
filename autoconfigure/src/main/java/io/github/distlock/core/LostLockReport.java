package io.github.distlock.core;

import java.util.List;

import io.github.distlock.core.LockListener.LockInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * How a lock lost while held is reported: logged at ERROR, told to the listeners
 * (metrics, the application event) and the observation, then to the lease's
 * {@code onLost} callbacks, each of which may fail alone.
 */
final class LostLockReport {

	// The lock's own logger, where operators already look for losses.
	private static final Log logger = LogFactory.getLog(ManagedLock.class);

	private LostLockReport() {
	}

	static void report(LockInfo info, long fencingToken, String reason, LockListener listener,
			LockObserver.Holding holding, List<Runnable> callbacks) {
		logger.error("Lock '" + info.key() + "' (" + info.name() + ", backend " + info.backend() + ", fencing token "
				+ fencingToken + ") was lost while held: " + reason
				+ ". The code it protects may overlap with another holder; only a fencing-token check at the "
				+ "protected resource rules that out.");
		listener.lost(info, fencingToken, reason);
		holding.lost(reason);
		callbacks.forEach((callback) -> run(info, callback));
	}

	/**
	 * Reports a lock that the server no longer held for its owner at release, and returns
	 * the reason.
	 */
	static String foundGoneAtRelease(LockInfo info, long fencingToken, LockListener listener,
			LockObserver.Holding holding) {
		String reason = "the server no longer held the lock for this owner at release";
		logger.error("Lock '" + info.key() + "' was found gone or taken by another holder when released: "
				+ "it had been lost without notice, and the code it protected may have overlapped with another "
				+ "holder");
		listener.lost(info, fencingToken, reason);
		holding.lost(reason);
		return reason;
	}

	static void run(LockInfo info, Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException ex) {
			logger.warn("An onLost callback of lock '" + info.key() + "' failed", ex);
		}
	}

}
