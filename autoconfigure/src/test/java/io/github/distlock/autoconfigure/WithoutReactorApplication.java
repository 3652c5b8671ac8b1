package io.github.distlock.autoconfigure;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import io.github.distlock.DistributedLock;
import io.github.distlock.DistributedLocks;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

/**
 * The application {@link WithoutReactorTests} runs in its class loader without Reactor.
 */
public class WithoutReactorApplication implements Callable<String> {

	@Override
	public String call() throws Exception {
		// A plain context: SpringApplication would also run the bootstrappers of every
		// optional library on this class path.
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("test", Map.of("distlock.backend", "local")));
			context.register(Application.class);
			context.refresh();
			Jobs jobs = context.getBean(Jobs.class);
			int reactiveTemplates = context.getBeanNamesForType(Class.forName("io.github.distlock.ReactiveLockTemplate",
					false, getClass().getClassLoader())).length;
			return jobs.work("k1") + ", " + jobs.later("k2").get() + ", reactive templates: " + reactiveTemplates;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LocalLockAutoConfiguration.class, DistlockAutoConfiguration.class })
	static class Application {

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

	}

	/**
	 * Locked methods of the kinds that need no Reactor.
	 */
	public static class Jobs {

		@DistributedLock(key = "#key")
		public String work(String key) {
			return "sync under " + DistributedLocks.assertHeld().key();
		}

		@DistributedLock(key = "#key")
		public CompletableFuture<String> later(String key) {
			return CompletableFuture.completedFuture("async under " + DistributedLocks.assertHeld().key());
		}

	}

}
