package io.github.distlock.it.zookeeper;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.ZooKeeperLockAutoConfiguration;
import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.core.LockKeys;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.ZooKeeperServer;
import io.github.distlock.it.shutdown.LongLockedJob;
import io.github.distlock.it.shutdown.ShutdownScenario;
import io.github.distlock.it.shutdown.ShutdownWitness;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockRequest;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graceful shutdown with the application's own {@link CuratorFramework} bean, whose
 * session (30s) outlives the test's bounded waits by far: a context holding a lock in a
 * long method is closed; it refuses new locks, waits out its 2s grace period, and
 * releases the lock through the still open client, so another instance acquires it within
 * the grace period plus a round trip rather than after the session timeout.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(120)
class ZooKeeperGracefulShutdownIT {

	private static final Duration SESSION = Duration.ofSeconds(30);

	/** The application's client, seen by the witness without a bean dependency. */
	static final AtomicReference<CuratorFramework> applicationClient = new AtomicReference<>();

	private final ZooKeeperServer server;

	ZooKeeperGracefulShutdownIT(ZooKeeperServer server) {
		this.server = server;
	}

	@Test
	void distlockReleasesBeforeTheApplicationsClientIsClosed() throws Exception {
		ConfigurableApplicationContext context = application(ClosingClientApplication.class).run();
		ShutdownWitness witness = context.getBean(ShutdownWitness.class);
		ShutdownScenario scenario = new ShutdownScenario(context);
		scenario.closeWhileTheLongMethodRuns();
		scenario.finish();
		assertThat(witness.clientStatesAtRelease).as("the client was open when distlock released")
			.containsExactly("report:STARTED");
		assertThat(applicationClient.get().getState().name()).as("closed by the context afterwards")
			.isEqualTo("STOPPED");
		assertThat(witness.lostReasons).singleElement()
			.asString()
			.contains("shut down")
			.contains("distlock.shutdown.grace-period");
	}

	@Test
	void anotherInstanceAcquiresTheLockWithinTheGracePeriodNotAfterTheSession() throws Exception {
		ConfigurableApplicationContext context = application(OpenClientApplication.class).run();
		try (ZooKeeperLockBackend other = ZooKeeperTestClients.backend(this.server, SESSION, LossOn.LOST)) {
			ShutdownScenario scenario = new ShutdownScenario(context);
			scenario.closeWhileTheLongMethodRuns();
			// The application's session stays open: only distlock's release frees the
			// lock before the 30s session timeout.
			Optional<BackendLock> taken = other.tryAcquire(new LockRequest(LockKeys.encode(LongLockedJob.KEY), SESSION,
					ShutdownScenario.GRACE.plusSeconds(5)));
			assertThat(taken).as("acquired within the grace period plus a round trip").isPresent();
			taken.get().release();
			scenario.finish();
		}
		finally {
			applicationClient.get().close();
		}
	}

	private SpringApplicationBuilder application(Class<?> configuration) {
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.backend=zookeeper",
					"distlock.shutdown.grace-period=" + ShutdownScenario.GRACE.toMillis() + "ms",
					"distlock.zookeeper.base-path=" + ZooKeeperTestClients.BASE_PATH,
					"test.zookeeper.connect-string=" + this.server.connectString());
	}

	static CuratorFramework connect(Environment environment) throws InterruptedException {
		CuratorFramework client = ZooKeeperTestClients.started(CuratorFrameworkFactory.builder()
			.connectString(environment.getRequiredProperty("test.zookeeper.connect-string"))
			.sessionTimeoutMs((int) SESSION.toMillis())
			.connectionTimeoutMs(5_000)
			.retryPolicy(new ExponentialBackoffRetry(100, 3))
			.build());
		applicationClient.set(client);
		return client;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ZooKeeperLockAutoConfiguration.class, DistlockAutoConfiguration.class })
	static class Locked {

		@Bean
		LongLockedJob longLockedJob() {
			return new LongLockedJob();
		}

		@Bean
		ShutdownWitness shutdownWitness() {
			return new ShutdownWitness(() -> applicationClient.get().getState().name());
		}

	}

	/** The application's client is a bean that the context closes (inferred close()). */
	@Configuration(proxyBeanMethods = false)
	@Import(Locked.class)
	static class ClosingClientApplication {

		@Bean
		CuratorFramework curatorFramework(Environment environment) throws InterruptedException {
			return connect(environment);
		}

	}

	/** The application's client stays open after the context closed. */
	@Configuration(proxyBeanMethods = false)
	@Import(Locked.class)
	static class OpenClientApplication {

		@Bean(destroyMethod = "")
		CuratorFramework curatorFramework(Environment environment) throws InterruptedException {
			return connect(environment);
		}

	}

}
