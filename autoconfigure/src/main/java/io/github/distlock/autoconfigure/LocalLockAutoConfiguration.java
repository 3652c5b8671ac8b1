package io.github.distlock.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Offers the in-JVM backend; it is used only when {@code distlock.backend: local} chooses
 * it.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class)
public final class LocalLockAutoConfiguration {

	@Bean
	LockBackendCandidate distlockLocalBackendCandidate() {
		return new LocalBackendCandidate();
	}

}
