package io.github.distlock.sample.embedded;

import org.apache.curator.test.TestingServer;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Starts an in-process ZooKeeper before the sample's beans are created, so the
 * {@code zookeeper} profile runs with nothing installed. Compiled and registered (in
 * {@code src/zookeeper/resources}) only with the {@code zookeeper} Maven profile, and
 * active only with the {@code zookeeper} Spring profile; set
 * {@code sample.zookeeper.embedded=false} to use a real ensemble.
 */
public class EmbeddedZooKeeper implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if (!context.getEnvironment().matchesProfiles("zookeeper")
				|| !context.getEnvironment().getProperty("sample.zookeeper.embedded", Boolean.class, true)) {
			return;
		}
		int port = context.getEnvironment().getProperty("sample.zookeeper.port", Integer.class, 2181);
		try {
			TestingServer server = new TestingServer(port, true);
			context.addApplicationListener((ContextClosedEvent event) -> {
				try {
					server.close();
				}
				catch (java.io.IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			});
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start the sample's embedded ZooKeeper on port " + port
					+ "; set sample.zookeeper.port to a free port", ex);
		}
	}

}
