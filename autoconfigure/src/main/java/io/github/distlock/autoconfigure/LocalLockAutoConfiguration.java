package io.github.distlock.autoconfigure;

import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.spi.LockBackend;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Offers the in-JVM backend; it is used only when {@code distlock.backend: local} chooses it.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class)
public final class LocalLockAutoConfiguration {

	private static final Log logger = LogFactory.getLog(LocalLockAutoConfiguration.class);

	@Bean
	LockBackendCandidate distlockLocalBackendCandidate() {
		return new LockBackendCandidate() {

			@Override
			public BackendType type() {
				return BackendType.LOCAL;
			}

			@Override
			public boolean connectionConfigured() {
				return false;
			}

			@Override
			public LockBackend create() {
				logger.warn("distlock uses the 'local' backend: locks are held in this JVM only and do NOT exclude "
						+ "other instances of the application. Choose redis, etcd, zookeeper or consul in "
						+ "distlock.backend for distributed locks.");
				return new LocalLockBackend();
			}

		};
	}

}
