package io.github.distlock.autoconfigure;

import java.util.List;

import io.github.distlock.LockTemplate;
import io.github.distlock.ReactiveLockTemplate;
import io.github.distlock.aop.DistributedLockAdvisor;
import io.github.distlock.core.LockListener;
import io.github.distlock.core.LockObserver;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.spi.LockBackend;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The backend-independent part of distlock: chooses the backend among the candidates the
 * backend auto-configurations offer, and creates the {@link LockTemplate} and the
 * {@code @DistributedLock} advisor.
 */
@AutoConfiguration
@EnableConfigurationProperties(DistlockProperties.class)
@Import(DistlockAutoConfiguration.AutoProxyRegistrar.class)
public final class DistlockAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	LockBackend distlockBackend(DistlockProperties properties, ObjectProvider<LockBackendCandidate> candidates,
			Environment environment) {
		// Before any server is contacted: a ttl of 10ms would fail in stranger ways
		// there.
		UnitlessDurations.check(environment);
		LockBackendCandidate candidate = choose(properties.getBackend(), candidates.orderedStream().toList());
		return properties.isVerifyOnStartup() ? candidate.create() : candidate.createUnverified();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	DefaultLockTemplate distlockLockTemplate(LockBackend backend, DistlockProperties properties,
			ObjectProvider<LockListener> listeners, ObjectProvider<LockObserver> observer, Environment environment) {
		// Also here, for an application that defines its own LockBackend.
		UnitlessDurations.check(environment);
		return new DefaultLockTemplate(backend, properties.toSettings(), listeners.orderedStream().toList(),
				observer.getIfUnique(() -> LockObserver.NONE));
	}

	@Bean
	@ConditionalOnBean(DefaultLockTemplate.class)
	DistlockShutdown distlockShutdown(DefaultLockTemplate lockTemplate, DistlockProperties properties) {
		return new DistlockShutdown(lockTemplate, properties.getShutdown().getGracePeriod());
	}

	@Bean
	LockLostEventPublisher distlockLockLostEventPublisher(ApplicationEventPublisher publisher) {
		return new LockLostEventPublisher(publisher);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static DistributedLockAdvisor distributedLockAdvisor(Environment environment,
			ObjectProvider<DefaultLockTemplate> lockTemplate) {
		int order = Binder.get(environment)
			.bind("distlock.aspect-order", Integer.class)
			.orElse(DistlockProperties.DEFAULT_ASPECT_ORDER);
		return new DistributedLockAdvisor(environment, lockTemplate::getObject, order);
	}

	static LockBackendCandidate choose(@Nullable BackendType chosen, List<LockBackendCandidate> candidates) {
		if (chosen != null) {
			return candidates.stream()
				.filter((candidate) -> candidate.type() == chosen)
				.findFirst()
				.orElseThrow(() -> BackendChoiceException.clientMissing(chosen));
		}
		List<LockBackendCandidate> connected = candidates.stream()
			.filter(LockBackendCandidate::connectionConfigured)
			.toList();
		if (connected.isEmpty()) {
			throw BackendChoiceException.noneConnected();
		}
		if (connected.size() > 1) {
			throw BackendChoiceException.severalConnected(connected.stream().map(LockBackendCandidate::type).toList());
		}
		return connected.get(0);
	}

	/**
	 * The {@link ReactiveLockTemplate}, when Reactor is on the classpath.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "reactor.core.publisher.Flux")
	static class ReactiveLockTemplateConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReactiveLockTemplate distlockReactiveLockTemplate(DefaultLockTemplate lockTemplate) {
			return lockTemplate.reactive();
		}

	}

	/**
	 * Makes sure an auto-proxy creator exists, so the advisor applies even where Spring
	 * Boot's AOP auto-configuration is switched off.
	 */
	static final class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		}

	}

}
