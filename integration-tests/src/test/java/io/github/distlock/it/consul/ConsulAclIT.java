package io.github.distlock.it.consul;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.BackendSelectionException;
import io.github.distlock.autoconfigure.ConsulLockAutoConfiguration;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.it.servers.ConsulServer;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.RealServersExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.consul.ConsulAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Consul agent with ACLs enabled and a default policy of deny: distlock works with a
 * token allowed to write its key prefix and create sessions, and an application with a
 * missing, unknown or too weak token fails at startup saying what policy the token needs.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConsulAclIT {

	private static final String MASTER_TOKEN = "distlock-it-master";

	private static final String PREFIX = "apps/orders/locks";

	private static ApplicationContextRunner runner;

	private static String lockToken;

	private static String otherPrefixToken;

	@BeforeAll
	static void createTokens(@Dedicated(config = "acl { enabled = true, default_policy = \"deny\", "
			+ "tokens { master = \"" + MASTER_TOKEN + "\" } }") ConsulServer consul) {
		ConsulAgent root = new ConsulAgent(consul, MASTER_TOKEN);
		lockToken = root.createToken("distlock-locks",
				"key_prefix \"" + PREFIX + "/\" { policy = \"write\" }\nsession_prefix \"\" { policy = \"write\" }");
		otherPrefixToken = root.createToken("distlock-elsewhere",
				"key_prefix \"elsewhere/\" { policy = \"write\" }\nsession_prefix \"\" { policy = \"write\" }");
		runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConsulAutoConfiguration.class, ConsulLockAutoConfiguration.class,
					DistlockAutoConfiguration.class))
			.withPropertyValues("spring.cloud.consul.host=" + consul.host(),
					"spring.cloud.consul.port=" + consul.httpPort(), "distlock.backend=consul",
					"distlock.consul.key-prefix=" + PREFIX);
	}

	@Test
	void tokenAllowedToWriteTheLockPrefixLocks() {
		runner.withPropertyValues("spring.cloud.consul.token=" + lockToken).run((context) -> {
			assertThat(context).hasNotFailed();
			LockTemplate locks = context.getBean(LockTemplate.class);
			String key = "order:" + UUID.randomUUID();
			try (Lease lease = locks.acquire(key, LockOptions.ttl(Duration.ofSeconds(10)))) {
				assertThat(lease.isHeld()).isTrue();
				assertThat(locks.tryAcquire(key, LockOptions.defaults())).as("reentrant for this thread")
					.isPresent()
					.get()
					.satisfies(Lease::release);
			}
		});
	}

	@Test
	void missingTokenFailsAtStartupWithThePolicyToGrant() {
		runner.run((context) -> {
			BackendSelectionException failure = failure(context);
			assertThat(failure.getMessage()).contains("refused distlock's ACL token")
				.contains("Permission denied")
				.contains("no ACL token is configured");
			assertThat(failure.getAction()).contains("key_prefix \"" + PREFIX + "/\" {\n  policy = \"write\"\n}")
				.contains("session_prefix \"\" {\n  policy = \"write\"\n}")
				.contains("spring:\n  cloud:\n    consul:\n      token:");
		});
	}

	@Test
	void unknownTokenFailsAtStartup() {
		runner.withPropertyValues("spring.cloud.consul.discovery.acl-token=" + UUID.randomUUID()).run((context) -> {
			BackendSelectionException failure = failure(context);
			assertThat(failure.getMessage()).contains("refused distlock's ACL token").contains("ACL not found");
			assertThat(failure.getAction()).contains("key_prefix \"" + PREFIX + "/\"");
		});
	}

	@Test
	void tokenWithoutWriteOnTheLockPrefixFailsAtStartup() {
		runner.withPropertyValues("distlock.consul.acl-token=" + otherPrefixToken).run((context) -> {
			BackendSelectionException failure = failure(context);
			assertThat(failure.getMessage()).contains("refused distlock's ACL token")
				.contains("write key '" + PREFIX + "/")
				.contains("Permission denied");
			assertThat(failure.getAction()).contains("key_prefix \"" + PREFIX + "/\"");
		});
	}

	private static BackendSelectionException failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
			if (cause instanceof BackendSelectionException selection) {
				return selection;
			}
		}
		throw new AssertionError("No BackendSelectionException in " + context.getStartupFailure());
	}

}
