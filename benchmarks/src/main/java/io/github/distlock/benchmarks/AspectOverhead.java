package io.github.distlock.benchmarks;

import java.util.List;

import io.github.distlock.DistributedLock;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import io.github.distlock.benchmarks.harness.Contender;
import io.github.distlock.benchmarks.harness.Contender.Role;
import io.github.distlock.benchmarks.harness.LockClient;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * What {@code @DistributedLock} costs over calling {@code LockTemplate} directly: both on
 * the {@code local} backend of one auto-configured application context, so that the only
 * difference is the aspect (proxy, key expression, annotation attributes).
 */
final class AspectOverhead {

	private AspectOverhead() {
	}

	static List<Contender> contenders() {
		return List.of(
				new Contender("distlock @DistributedLock", Role.DISTLOCK,
						"annotated method; key expression #key; local backend", () -> client(true)),
				new Contender("distlock LockTemplate.execute", Role.DISTLOCK,
						"the same context's LockTemplate; local backend", () -> client(false)));
	}

	private static LockClient client(boolean annotated) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("distlock.backend=local", "spring.main.banner-mode=off")
			.run();
		LockedWork work = context.getBean(LockedWork.class);
		LockTemplate template = context.getBean(LockTemplate.class);
		return new LockClient() {

			@Override
			public void runLocked(String key, Runnable criticalSection) {
				if (annotated) {
					work.run(key, criticalSection);
				}
				else {
					template.execute(key, Contenders.OPTIONS, () -> {
						criticalSection.run();
						return null;
					});
				}
			}

			@Override
			public void close() {
				context.close();
			}

		};
	}

	/**
	 * The annotated work; an interface so that the proxy is a JDK proxy.
	 */
	public interface LockedWork {

		/**
		 * Runs {@code section} under the lock {@code key}.
		 * @param key the lock's name
		 * @param section the critical section
		 */
		void run(String key, Runnable section);

	}

	static final class AnnotatedWork implements LockedWork {

		@Override
		@DistributedLock(key = "#key", ttl = "30s", waitTime = "30s")
		public void run(String key, Runnable section) {
			section.run();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class })
	static class Application {

		@Bean
		LockedWork lockedWork() {
			return new AnnotatedWork();
		}

	}

}
