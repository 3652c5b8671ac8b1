package io.github.distlock.it.servers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Proves that a server binary that is not installed fails the test with a message
 * pointing at the install script (an {@link IllegalStateException}, which JUnit reports
 * as a failure, unlike an assumption's {@code TestAbortedException}, which it reports as
 * a skip).
 */
class MissingServerIT {

	@Test
	void missingBinaryFailsWithTheInstallCommand() {
		String property = "distlock.servers." + ServerKind.CONSUL.id();
		String previous = System.getProperty(property);
		System.setProperty(property, "/nonexistent/distlock/consul");
		try {
			assertThatThrownBy(() -> Servers.consul(ServerOptions.defaults())).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("/nonexistent/distlock/consul")
				.hasMessageContaining(ServerBinaries.INSTALL_COMMAND);
		}
		finally {
			if (previous == null) {
				System.clearProperty(property);
			}
			else {
				System.setProperty(property, previous);
			}
		}
	}

	@Test
	void optionsAServerCannotHonourAreRejected() {
		// As the extension does for @Dedicated(config = ...) on Redis or @Dedicated(args
		// = ...) on ZooKeeper.
		assertThatThrownBy(() -> Servers.start(ServerKind.REDIS, ServerOptions.defaults().withConfig("acl {}"), false))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("only Consul");
		assertThatThrownBy(() -> Servers.start(ServerKind.ZOOKEEPER, ServerOptions.defaults().withArgs("-x"), false))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("no command-line args");
	}

}
