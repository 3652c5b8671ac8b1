package io.github.distlock.autoconfigure;

import java.util.concurrent.atomic.AtomicBoolean;

import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.spi.LockBackend;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The in-JVM backend as a candidate: never chosen without
 * {@code distlock.backend: local}, and loud about not being distributed when it is.
 */
final class LocalBackendCandidate implements LockBackendCandidate {

	// The category users already know from the warning.
	private static final Log logger = LogFactory.getLog(LocalLockAutoConfiguration.class);

	@Override
	public BackendType type() {
		return BackendType.LOCAL;
	}

	@Override
	public boolean connectionConfigured() {
		return false;
	}

	// Once per JVM: a test suite starts many application contexts, and one warning says
	// it all.
	static final AtomicBoolean warned = new AtomicBoolean();

	@Override
	public LockBackend create() {
		String warning = "distlock uses the 'local' backend: locks are held in this JVM only and do NOT exclude "
				+ "other instances of the application. Choose redis, etcd, zookeeper or consul in "
				+ "distlock.backend for distributed locks.";
		if (warned.compareAndSet(false, true)) {
			logger.warn(warning + " (Logged once per JVM.)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(warning);
		}
		return new LocalLockBackend();
	}

}
