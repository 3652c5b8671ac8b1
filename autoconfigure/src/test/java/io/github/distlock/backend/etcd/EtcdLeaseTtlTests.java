package io.github.distlock.backend.etcd;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd counts lease ttls in whole seconds: a lock's ttl is rounded up, never down, so the
 * server never expires a key before the holder's local validity ends.
 */
class EtcdLeaseTtlTests {

	@Test
	void ttlIsRoundedUpToWholeSecondsAndAtLeastTwo() {
		assertThat(EtcdLockBackend.leaseSeconds(Duration.ofMillis(1))).isEqualTo(2);
		assertThat(EtcdLockBackend.leaseSeconds(Duration.ofSeconds(1))).isEqualTo(2);
		assertThat(EtcdLockBackend.leaseSeconds(Duration.ofSeconds(2))).isEqualTo(2);
		assertThat(EtcdLockBackend.leaseSeconds(Duration.ofMillis(2001))).isEqualTo(3);
		assertThat(EtcdLockBackend.leaseSeconds(Duration.ofMillis(9500))).isEqualTo(10);
		assertThat(EtcdLockBackend.leaseSeconds(Duration.ofSeconds(30))).isEqualTo(30);
		assertThat(EtcdLockBackend.leaseSeconds(Duration.ofSeconds(30).plusNanos(1))).isEqualTo(31);
	}

}
