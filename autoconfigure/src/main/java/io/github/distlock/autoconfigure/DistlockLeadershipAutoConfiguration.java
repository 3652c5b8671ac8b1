package io.github.distlock.autoconfigure;

import java.time.Duration;

import io.github.distlock.LeaderOnly;
import io.github.distlock.Leadership;
import io.github.distlock.LockTemplate;
import io.github.distlock.leadership.LeaderOnlyAdvisor;
import io.github.distlock.leadership.LeadershipCampaigner;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Leadership over the lock template: the {@link Leadership} bean, which campaigns for the
 * roles of {@code distlock.leadership.roles} and of {@link LeaderOnly} methods, and the
 * {@code @LeaderOnly} advisor.
 */
@AutoConfiguration(after = DistlockAutoConfiguration.class)
@ConditionalOnBean(LockTemplate.class)
@EnableConfigurationProperties(DistlockLeadershipProperties.class)
public final class DistlockLeadershipAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(Leadership.class)
	LeadershipCampaigner distlockLeadership(LockTemplate locks, DistlockProperties properties,
			DistlockLeadershipProperties leadership, ApplicationEventPublisher events,
			ObjectProvider<LeaderOnlyAdvisor> advisor) {
		Duration ttl = (leadership.getTtl() != null) ? leadership.getTtl() : properties.getDefaultTtl();
		return new LeadershipCampaigner(locks, ttl, events, leadership.getRoles(),
				() -> advisor.orderedStream().flatMap((each) -> each.roles().stream()).toList());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static LeaderOnlyAdvisor distlockLeaderOnlyAdvisor(Environment environment, ObjectProvider<Leadership> leadership) {
		// Just outside @DistributedLock: a call that does not lead takes no lock.
		int order = Binder.get(environment)
			.bind("distlock.aspect-order", Integer.class)
			.orElse(DistlockProperties.DEFAULT_ASPECT_ORDER) - 1;
		return new LeaderOnlyAdvisor(leadership::getObject, order);
	}

}
