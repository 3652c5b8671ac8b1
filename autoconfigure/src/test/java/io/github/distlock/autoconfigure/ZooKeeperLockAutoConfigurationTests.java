package io.github.distlock.autoconfigure;

import java.time.Duration;

import io.github.distlock.backend.zookeeper.LossOn;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ZooKeeper auto-configuration without a server: when it offers its candidate, how it
 * binds and validates its properties, and which configurations fail at startup with what
 * action. Startup against a real server is covered by the integration tests.
 */
class ZooKeeperLockAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(ZooKeeperLockAutoConfiguration.class, LocalLockAutoConfiguration.class, DistlockAutoConfiguration.class));

	/**
	 * Never started: a client that would be used fails the startup for that reason, so no
	 * server is needed.
	 */
	private static CuratorFramework unstartedClient() {
		return CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1));
	}

	private static LockBackendCandidate zookeeperCandidate(AssertableApplicationContext context) {
		return context.getBeansOfType(LockBackendCandidate.class)
			.values()
			.stream()
			.filter((candidate) -> candidate.type() == BackendType.ZOOKEEPER)
			.findFirst()
			.orElseThrow();
	}

	private static FailureAnalysis selectionFailure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new BackendSelectionFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("analysed as a backend selection failure").isNotNull();
		return analysis;
	}

	@Test
	void offersTheCandidateWhenCuratorIsPresentButNotAsConfiguredWithoutAConnection() {
		this.runner.withPropertyValues("distlock.backend=local").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(zookeeperCandidate(context).connectionConfigured()).isFalse();
		});
	}

	@Test
	void aConnectStringMakesTheConnectionConfigured() {
		this.runner.withPropertyValues("distlock.backend=local", "distlock.zookeeper.connect-string=zk:2181")
			.run((context) -> assertThat(zookeeperCandidate(context).connectionConfigured()).isTrue());
	}

	@Test
	void theApplicationsClientIsChosenAndUsedAsItIs() {
		// No distlock.backend: the client bean alone makes ZooKeeper the one configured
		// backend.
		this.runner.withBean(CuratorFramework.class, ZooKeeperLockAutoConfigurationTests::unstartedClient)
			.run((context) -> {
				FailureAnalysis analysis = selectionFailure(context);
				assertThat(analysis.getDescription()).contains("application's CuratorFramework bean is not started");
				assertThat(analysis.getAction()).contains("initMethod = \"start\"");
			});
	}

	@Test
	void connectionPropertiesBesideTheApplicationsClientFailRatherThanBeIgnored() {
		this.runner.withBean(CuratorFramework.class, ZooKeeperLockAutoConfigurationTests::unstartedClient)
			.withPropertyValues("distlock.zookeeper.connect-string=zk:2181")
			.run((context) -> assertThat(selectionFailure(context).getAction())
				.contains("Remove distlock.zookeeper.connect-string"));
	}

	@Test
	void severalClientsWithoutAPrimaryFail() {
		this.runner.withBean("first", CuratorFramework.class, ZooKeeperLockAutoConfigurationTests::unstartedClient)
			.withBean("second", CuratorFramework.class, ZooKeeperLockAutoConfigurationTests::unstartedClient)
			.run((context) -> assertThat(selectionFailure(context).getAction()).contains("@Primary"));
	}

	@Test
	void backsOffWithoutCuratorAndChoosingItNamesTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader(CuratorFramework.class))
			.withPropertyValues("distlock.backend=local")
			.run((context) -> assertThat(context.getBeansOfType(LockBackendCandidate.class).values())
				.noneMatch((candidate) -> candidate.type() == BackendType.ZOOKEEPER));
		this.runner.withClassLoader(new FilteredClassLoader(CuratorFramework.class))
			.withPropertyValues("distlock.backend=zookeeper")
			.run((context) -> {
				FailureAnalysis analysis = selectionFailure(context);
				assertThat(analysis.getDescription()).contains("'zookeeper'").contains("Apache Curator");
				assertThat(analysis.getAction()).contains("<artifactId>curator-recipes</artifactId>");
			});
	}

	@Test
	void choosingZooKeeperWithoutAConnectionSaysWhatToWrite() {
		this.runner.withPropertyValues("distlock.backend=zookeeper")
			.run((context) -> assertThat(selectionFailure(context).getAction())
				.contains("distlock:\n  zookeeper:\n    connect-string: localhost:2181"));
	}

	@Test
	void aUsernameWithoutAPasswordFailsBeforeConnecting() {
		this.runner
			.withPropertyValues("distlock.backend=zookeeper", "distlock.zookeeper.connect-string=127.0.0.1:1",
					"distlock.zookeeper.auth.username=app")
			.run((context) -> assertThat(selectionFailure(context).getAction()).contains("password:"));
	}

	@Test
	void bindsEveryProperty() {
		this.runner
			.withPropertyValues("distlock.backend=local", "distlock.zookeeper.connect-string=zk1:2181,zk2:2181/apps",
					"distlock.zookeeper.session-timeout=20s", "distlock.zookeeper.connection-timeout=3s",
					"distlock.zookeeper.base-path=/locks/orders", "distlock.zookeeper.loss-on=lost",
					"distlock.zookeeper.retry.base-sleep=250ms", "distlock.zookeeper.retry.max-retries=5",
					"distlock.zookeeper.auth.username=app", "distlock.zookeeper.auth.password=s3cret")
			.run((context) -> {
				DistlockZooKeeperProperties properties = context.getBean(DistlockZooKeeperProperties.class);
				assertThat(properties.getConnectString()).isEqualTo("zk1:2181,zk2:2181/apps");
				assertThat(properties.getSessionTimeout()).isEqualTo(Duration.ofSeconds(20));
				assertThat(properties.getConnectionTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getBasePath()).isEqualTo("/locks/orders");
				assertThat(properties.getLossOn()).isEqualTo(LossOn.LOST);
				assertThat(properties.getRetry().getBaseSleep()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getRetry().getMaxRetries()).isEqualTo(5);
				assertThat(properties.getAuth().getUsername()).isEqualTo("app");
				assertThat(properties.getAuth().getPassword()).isEqualTo("s3cret");
			});
	}

	@Test
	void defaultsFavourSafety() {
		this.runner.withPropertyValues("distlock.backend=local").run((context) -> {
			DistlockZooKeeperProperties properties = context.getBean(DistlockZooKeeperProperties.class);
			assertThat(properties.getLossOn()).isEqualTo(LossOn.SUSPENDED);
			assertThat(properties.getBasePath()).isEqualTo("/distlock");
			assertThat(properties.getSessionTimeout()).isEqualTo(Duration.ofSeconds(30));
		});
	}

	@Test
	void invalidValuesFailAtStartupNamingTheProperty() {
		String[][] cases = { { "distlock.zookeeper.base-path=/", "root" },
				{ "distlock.zookeeper.base-path=locks", "/" },
				{ "distlock.zookeeper.session-timeout=0s", "at least 1ms" },
				{ "distlock.zookeeper.retry.max-retries=30", "between 0 and 29" },
				{ "distlock.zookeeper.auth.username=a:b", "':'" }, { "distlock.zookeeper.loss-on=never", "lost" } };
		for (String[] invalid : cases) {
			this.runner.withPropertyValues("distlock.backend=local", invalid[0]).run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).as(invalid[0]).isNotNull();
				String property = invalid[0].substring(0, invalid[0].indexOf('='));
				assertThat(analysis.getDescription() + analysis.getAction()).as(invalid[0])
					.contains(property)
					.contains(invalid[1]);
			});
		}
	}

}
