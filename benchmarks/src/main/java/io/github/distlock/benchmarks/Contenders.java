package io.github.distlock.benchmarks;

import java.time.Duration;
import java.util.List;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.benchmarks.harness.Contender;
import io.github.distlock.benchmarks.harness.Contender.Role;
import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.spi.LockBackend;

/**
 * The contenders that run in this JVM: distlock and the backend's floor. Each distlock
 * instance is its own {@link DefaultLockTemplate} over its own backend client, as
 * separate application instances would have.
 */
final class Contenders {

	/** The ttl and the wait of every distlock acquisition. */
	static final LockOptions OPTIONS = LockOptions.ttl(Duration.ofSeconds(30)).withWaitTime(Duration.ofSeconds(30));

	private Contenders() {
	}

	static Contender floor(BenchmarkTarget target) {
		return new Contender("floor: " + target.floorDescription(), Role.FLOOR, target.floorWait(),
				target::newFloorClient);
	}

	static Contender distlock(BenchmarkTarget target) {
		return new Contender("distlock", Role.DISTLOCK, "LockTemplate.acquire + Lease.release; ttl 30 s",
				() -> template(target.newBackend()));
	}

	private static LockClient template(LockBackend backend) {
		DefaultLockTemplate template = new DefaultLockTemplate(backend, LockSettings.defaults(), List.of());
		return LockClient.of((key) -> {
			Lease lease = template.acquire(key, OPTIONS);
			return lease::release;
		}, () -> {
			template.close();
			backend.close();
		});
	}

}
