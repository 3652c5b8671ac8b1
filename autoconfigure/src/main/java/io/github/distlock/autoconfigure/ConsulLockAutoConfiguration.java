package io.github.distlock.autoconfigure;

import java.util.List;

import io.github.distlock.backend.consul.ConsulApi;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulAutoConfiguration.ConsulClientSettings;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * Offers the Consul backend when Spring Cloud Consul is on the classpath. It connects the
 * way Spring Cloud Consul does ({@code spring.cloud.consul.host/port/scheme/path/tls},
 * its ACL token), so a Spring Cloud Consul application configures nothing new; its
 * connection counts as configured when Spring Cloud Consul is enabled.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class,
		afterName = "org.springframework.cloud.consul.ConsulAutoConfiguration")
@ConditionalOnClass({ ConsulProperties.class, RestClient.class })
@EnableConfigurationProperties(DistlockConsulProperties.class)
public final class ConsulLockAutoConfiguration {

	/**
	 * Where Spring Cloud Consul's modules read their ACL token, in the order distlock
	 * tries them.
	 */
	static final List<String> TOKEN_PROPERTIES = List.of("spring.cloud.consul.discovery.acl-token",
			"spring.cloud.consul.config.acl-token", "consul.token", "spring.cloud.consul.token");

	@Bean
	LockBackendCandidate distlockConsulBackendCandidate(ObjectProvider<ConsulProperties> consulProperties,
			ObjectProvider<ConsulClientSettings> clientSettings, ObjectProvider<DistlockProperties> distlockProperties,
			DistlockConsulProperties properties, Environment environment, BeanFactory beanFactory) {
		return new ConsulBackendCandidate(consulProperties,
				(consul) -> consulApi(consul, clientSettings, token(properties, environment)), distlockProperties,
				properties, environment, beanFactory);
	}

	/**
	 * The client of Consul's HTTP API, with the application's
	 * {@link ConsulClientSettings} when it has them, else with settings made from
	 * {@code spring.cloud.consul.*} the way Spring Cloud Consul makes them.
	 */
	static ConsulApi consulApi(ConsulProperties consul, ObjectProvider<ConsulClientSettings> clientSettings,
			@Nullable String token) {
		ConsulClientSettings client = clientSettings.getIfAvailable(() -> ConsulAutoConfiguration
			.createConsulClientSettings(ConsulAutoConfiguration.createConsulClientBaseUrl(consul), consul.getTls()));
		return new ConsulApi(client.baseUrl(), ConsulApi.httpClient(client.httpClientSettings()), token);
	}

	/**
	 * distlock's own token if set, else the one Spring Cloud Consul uses.
	 */
	static @Nullable String token(DistlockConsulProperties properties, Environment environment) {
		if (StringUtils.hasText(properties.getAclToken())) {
			return properties.getAclToken();
		}
		return TOKEN_PROPERTIES.stream()
			.map(environment::getProperty)
			.filter(StringUtils::hasText)
			.findFirst()
			.orElse(null);
	}

}
