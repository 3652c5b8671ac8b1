package io.github.distlock.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

/**
 * The Redis backend's auto-configuration, without a server: which candidate is offered
 * when, which connection it uses, and what a user is told when it cannot work.
 */
class RedisLockAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class));

	@Test
	void offersTheRedisCandidateWithTheConnectionOfSpringDataRedis() {
		this.runner.run((context) -> {
			LockBackendCandidate candidate = context.getBean(LockBackendCandidate.class);
			assertThat(candidate.type()).isEqualTo(BackendType.REDIS);
			assertThat(candidate.connectionConfigured()).isTrue();
		});
	}

	@Test
	void backsOffWithoutSpringDataRedisAndChoosingRedisNamesTheStarter() {
		ApplicationContextRunner withoutSpringDataRedis = this.runner
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class));
		withoutSpringDataRedis.run((context) -> {
			assertThat(context).doesNotHaveBean(RedisLockAutoConfiguration.class);
			assertThat(context).doesNotHaveBean(LockBackendCandidate.class);
		});
		withoutSpringDataRedis.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class))
			.withPropertyValues("distlock.backend=redis")
			.run((context) -> assertThat(selectionFailure(context.getStartupFailure()).getAction())
				.contains("spring-boot-starter-data-redis"));
	}

	@Test
	void withoutLettuceChoosingRedisAsksForLettuce() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisClient.class)).run((context) -> {
			LockBackendCandidate candidate = context.getBean(LockBackendCandidate.class);
			assertThat(candidate.connectionConfigured()).isFalse();
			assertThatThrownBy(candidate::create).isInstanceOf(BackendSelectionException.class)
				.hasMessageContaining("needs the Lettuce client")
				.satisfies((failure) -> assertThat(((BackendSelectionException) failure).getAction())
					.contains("redis.clients:jedis")
					.contains("client-type: lettuce"));
		});
	}

	@Test
	void aNonLettuceConnectionFactoryIsRefusedWithAClearAction() {
		this.runner.withBean(RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class)).run((context) -> {
			LockBackendCandidate candidate = context.getBean(LockBackendCandidate.class);
			assertThatThrownBy(candidate::create).isInstanceOf(BackendSelectionException.class)
				.hasMessageContaining("needs the Lettuce client")
				.hasMessageContaining("RedisConnectionFactory");
		});
	}

	@Test
	void withoutAConnectionFactoryTheCandidateIsNotConfiguredAndSaysWhatToAdd() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisLockAutoConfiguration.class))
			.run((context) -> {
				LockBackendCandidate candidate = context.getBean(LockBackendCandidate.class);
				assertThat(candidate.connectionConfigured()).isFalse();
				assertThatThrownBy(candidate::create).isInstanceOf(BackendSelectionException.class)
					.hasMessageContaining("no single RedisConnectionFactory")
					.satisfies((failure) -> assertThat(((BackendSelectionException) failure).getAction())
						.contains("spring.data.redis"));
			});
	}

	@Test
	void twoConnectionFactoriesWithoutAPrimaryAreNotAConfiguredConnection() {
		this.runner.withUserConfiguration(TwoFactories.class).run((context) -> {
			assertThat(context.getBean(LockBackendCandidate.class).connectionConfigured()).isFalse();
		});
	}

	@Test
	void theApplicationsOwnConnectionFactorySettingsAreUsed() throws IOException {
		int closedPort = closedPort();
		this.runner
			.withBean("userFactory", LettuceConnectionFactory.class,
					() -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", closedPort)))
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisConnectionFactory.class);
				LockBackendCandidate candidate = context.getBean(LockBackendCandidate.class);
				assertThat(candidate.connectionConfigured()).isTrue();
				// Nothing listens there: the failure shows which connection settings were
				// used.
				assertThatThrownBy(candidate::create).isInstanceOf(BackendSelectionException.class)
					.hasMessageContaining("distlock could not use Redis")
					.hasMessageContaining(":" + closedPort)
					.satisfies((failure) -> assertThat(((BackendSelectionException) failure).getAction())
						.contains("spring.data.redis.host and spring.data.redis.port"));
			});
	}

	@Test
	void redisIsChosenWithoutDistlockBackendWhenItIsTheOnlyConfiguredConnection() throws IOException {
		this.runner.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + closedPort(), "spring.data.redis.timeout=2s")
			.run((context) -> assertThat(selectionFailure(context.getStartupFailure()))
				.hasMessageContaining("distlock could not use Redis"));
	}

	@Test
	void bindsItsProperties() {
		this.runner
			.withPropertyValues("distlock.redis.key-prefix=orders-locks", "distlock.redis.notification-timeout=2s")
			.run((context) -> {
				DistlockRedisProperties properties = context.getBean(DistlockRedisProperties.class);
				assertThat(properties.getKeyPrefix()).isEqualTo("orders-locks");
				assertThat(properties.getNotificationTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.keyspace().lockKey("order:1")).isEqualTo("orders-locks:{order:1}");
			});
	}

	@Test
	void refusesAKeyPrefixThatWouldBreakTheHashTag() {
		this.runner.withPropertyValues("distlock.redis.key-prefix=locks{1}")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("must not contain '{' or '}'"));
	}

	@Test
	void refusesANonPositiveNotificationTimeout() {
		this.runner.withPropertyValues("distlock.redis.notification-timeout=0s")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("positive duration"));
	}

	private static BackendSelectionException selectionFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BackendSelectionException selection) {
				return selection;
			}
		}
		throw new AssertionError("No BackendSelectionException in " + failure, failure);
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoFactories {

		@Bean
		LettuceConnectionFactory first() {
			return new LettuceConnectionFactory();
		}

		@Bean
		LettuceConnectionFactory second() {
			return new LettuceConnectionFactory();
		}

	}

}
