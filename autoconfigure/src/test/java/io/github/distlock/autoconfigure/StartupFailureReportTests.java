package io.github.distlock.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user sees in the console when a real application fails to start: proves the
 * analyzers are registered and win over Spring Boot's generic binding analyzer.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTests {

	@Test
	void unknownBackend(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--distlock.backend=nosuch"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value 'nosuch' for property 'distlock.backend'")
			.contains("Set distlock.backend to one of: redis, etcd, zookeeper, consul, local");
	}

	@Test
	void invalidDefaultTtl(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--distlock.backend=local", "--distlock.default-ttl=ten"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value 'ten' for property 'distlock.default-ttl'")
			.contains("Set distlock.default-ttl to a duration such as 10s, 500ms, 2m or PT1M");
	}

	@Test
	void backendWithoutItsClient(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--distlock.backend=etcd"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("distlock.backend is 'etcd' but the etcd client jetcd is not on the classpath")
			.contains("Add the etcd client jetcd to your pom.xml:")
			.contains("<artifactId>jetcd-core</artifactId>");
	}

	private static void run(String... args) {
		SpringApplication application = new SpringApplication(MinimalApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args).close();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class })
	static class MinimalApplication {

	}

}
