package io.github.distlock.autoconfigure;

import io.github.distlock.Leadership;
import io.github.distlock.actuate.DistlockEndpoint;
import io.github.distlock.actuate.DistlockHealthIndicator;
import io.github.distlock.core.DefaultLockTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code distlock} health indicator and actuator endpoint, when Actuator is present.
 */
@AutoConfiguration(after = { DistlockAutoConfiguration.class, DistlockLeadershipAutoConfiguration.class })
@ConditionalOnBean(DefaultLockTemplate.class)
public final class DistlockActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	@ConditionalOnEnabledHealthIndicator("distlock")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "distlockHealthIndicator")
		DistlockHealthIndicator distlockHealthIndicator(DefaultLockTemplate lockManager,
				ObjectProvider<Leadership> leadership) {
			return new DistlockHealthIndicator(lockManager, leadership.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	@ConditionalOnAvailableEndpoint(DistlockEndpoint.class)
	@EnableConfigurationProperties(DistlockEndpointProperties.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DistlockEndpoint distlockEndpoint(DefaultLockTemplate lockManager, DistlockEndpointProperties properties,
				ObjectProvider<Leadership> leadership) {
			DistlockEndpoint endpoint = new DistlockEndpoint(lockManager, properties.getShowValues(),
					properties.getRoles());
			endpoint.setLeadership(leadership.getIfAvailable());
			return endpoint;
		}

	}

}
