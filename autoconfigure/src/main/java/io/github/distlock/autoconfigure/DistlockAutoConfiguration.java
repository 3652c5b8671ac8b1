package io.github.distlock.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

import io.github.distlock.LockTemplate;
import io.github.distlock.aop.DistributedLockAdvisor;
import io.github.distlock.core.LockListener;
import io.github.distlock.core.LockManager;
import io.github.distlock.spi.LockBackend;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The backend-independent part of distlock: chooses the backend among the candidates the backend
 * auto-configurations offer, and creates the {@link LockTemplate} and the {@code @DistributedLock}
 * advisor.
 */
@AutoConfiguration
@EnableConfigurationProperties(DistlockProperties.class)
@Import(DistlockAutoConfiguration.AutoProxyRegistrar.class)
public final class DistlockAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	LockBackend distlockBackend(DistlockProperties properties, ObjectProvider<LockBackendCandidate> candidates) {
		return choose(properties.getBackend(), candidates.orderedStream().toList()).create();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	LockManager distlockLockManager(LockBackend backend, DistlockProperties properties,
			ObjectProvider<LockListener> listeners) {
		return new LockManager(backend, properties.toSettings(), listeners.orderedStream().toList());
	}

	@Bean
	LockLostEventPublisher distlockLockLostEventPublisher(ApplicationEventPublisher publisher) {
		return new LockLostEventPublisher(publisher);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static DistributedLockAdvisor distributedLockAdvisor(Environment environment,
			ObjectProvider<LockManager> lockManager) {
		int order = Binder.get(environment)
			.bind("distlock.aspect-order", Integer.class)
			.orElse(DistlockProperties.DEFAULT_ASPECT_ORDER);
		return new DistributedLockAdvisor(environment, lockManager::getObject, order);
	}

	static LockBackendCandidate choose(BackendType chosen, List<LockBackendCandidate> candidates) {
		if (chosen != null) {
			return candidates.stream()
				.filter((candidate) -> candidate.type() == chosen)
				.findFirst()
				.orElseThrow(() -> new BackendSelectionException(
						"distlock.backend is '" + chosen.propertyValue() + "' but " + chosen.client()
								+ " is not on the classpath",
						"Add " + chosen.client() + " to your pom.xml:\n\n" + chosen.dependency()
								+ "\n\nor choose another backend in application.yml (one of "
								+ BackendType.propertyValues() + ")."));
		}
		List<LockBackendCandidate> connected = candidates.stream()
			.filter(LockBackendCandidate::connectionConfigured)
			.toList();
		if (connected.size() == 1) {
			return connected.get(0);
		}
		String example = "distlock:\n  backend: redis   # one of " + BackendType.propertyValues();
		if (connected.isEmpty()) {
			throw new BackendSelectionException(
					"No lock backend is chosen: distlock.backend is not set and no lock server client with a "
							+ "configured connection was found",
					"Choose the backend in application.yml:\n\n" + example
							+ "\n\nand add its client to your pom.xml (for example spring-boot-starter-data-redis), "
							+ "or use 'local' for in-JVM locks in a single instance.");
		}
		String names = connected.stream()
			.map((candidate) -> candidate.type().propertyValue())
			.collect(Collectors.joining(", "));
		throw new BackendSelectionException(
				"Several lock backends are configured (" + names + ") and distlock.backend does not choose one",
				"Choose one in application.yml:\n\ndistlock:\n  backend: " + connected.get(0).type().propertyValue()
						+ "   # one of " + names);
	}

	/**
	 * Makes sure an auto-proxy creator exists, so the advisor applies even where Spring Boot's AOP
	 * auto-configuration is switched off.
	 */
	static final class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		}

	}

}
