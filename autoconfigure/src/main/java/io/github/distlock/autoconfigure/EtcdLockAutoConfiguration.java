package io.github.distlock.autoconfigure;

import io.etcd.jetcd.Client;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Offers the etcd backend when jetcd is on the classpath. It uses the application's own
 * jetcd {@link Client} bean when there is exactly one, and otherwise a client built from
 * {@code distlock.etcd.*}; either way the connection is checked at startup.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@EnableConfigurationProperties(DistlockEtcdProperties.class)
public final class EtcdLockAutoConfiguration {

	@Bean
	LockBackendCandidate distlockEtcdBackendCandidate(DistlockEtcdProperties properties,
			ObjectProvider<Client> clients) {
		return new EtcdBackendCandidate(properties, clients);
	}

}
