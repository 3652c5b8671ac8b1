package io.github.distlock.autoconfigure;

import java.lang.reflect.Method;
import java.nio.file.Path;

import io.github.distlock.DistributedLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.DefaultResourceLoader;

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

	@Test
	void misspeltParameterInAKey(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(Payments.class, "--distlock.backend=local"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("@DistributedLock on StartupFailureReportTests.Payments.pay(long): key expression "
					+ "\"'order:' + #orderIdd\" uses #orderIdd, which is not a parameter of the method "
					+ "(parameters: orderId)")
			.contains("Refer to a parameter by name or position (#orderId or #p0)");
	}

	@Test
	void parameterNameInAKeyOfAClassCompiledWithoutParameters(@TempDir Path classes, CapturedOutput output)
			throws Exception {
		Class<?> stock = CompiledWithoutParameters.load(classes, "Stock", """
				package compiled;

				import io.github.distlock.DistributedLock;

				public class Stock {

					@DistributedLock(key = "'sku:' + #sku")
					public int reserve(String sku, int quantity) {
						return quantity;
					}

				}
				""");
		assertThatException().isThrownBy(() -> run(stock, "--distlock.backend=local"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("key expression \"'sku:' + #sku\" refers to #sku by parameter name, but compiled.Stock was "
					+ "compiled without -parameters")
			.contains("Compile with -parameters (the spring-boot-starter-parent does")
			.contains("#p0 is the first argument");
	}

	@Test
	void positionalKeyOfAClassCompiledWithoutParametersStartsAndLocksPerArgument(@TempDir Path classes)
			throws Exception {
		Class<?> stock = CompiledWithoutParameters.load(classes, "PositionalStock", """
				package compiled;

				import io.github.distlock.DistributedLock;
				import io.github.distlock.DistributedLocks;

				public class PositionalStock {

					@DistributedLock(key = "'sku:' + #p0")
					public String reserve(String sku, int quantity) {
						return DistributedLocks.assertHeld().key();
					}

				}
				""");
		SpringApplication application = new SpringApplication(MinimalApplication.class, stock);
		application.setWebApplicationType(WebApplicationType.NONE);
		// The proxy of the compiled class is defined in the class's own loader.
		application.setResourceLoader(new DefaultResourceLoader(stock.getClassLoader()));
		try (var context = application.run("--distlock.backend=local")) {
			Object bean = context.getBean(stock);
			Method reserve = bean.getClass().getMethod("reserve", String.class, int.class);
			assertThat(reserve.invoke(bean, "A-1", 1)).isEqualTo("sku:A-1");
			assertThat(reserve.invoke(bean, "B-2", 1)).isEqualTo("sku:B-2");
		}
	}

	@Test
	void durationWithoutAUnitInAnAnnotation(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(BareTtl.class, "--distlock.backend=local"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("ttl \"10\" has no unit: Spring would read it as 10 milliseconds")
			.contains("ttl = \"10s\" for seconds, or \"10ms\" if you mean milliseconds");
	}

	@Test
	void negativeDefaultWaitTimeNamesThePropertyAndTheRange(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--distlock.backend=local", "--distlock.default-wait-time=-1s"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains(
					"Invalid value '-1s' for property 'distlock.default-wait-time' (from \"distlock.default-wait-time\" "
							+ "from property source \"commandLineArgs\"): distlock.default-wait-time must be zero or a positive "
							+ "duration, but was -1s")
			.contains("Set distlock.default-wait-time to a duration of 0s (try once) or more")
			.contains("distlock:\n  default-wait-time: 2s")
			.doesNotContain("for property 'distlock'");
	}

	@Test
	void zeroDefaultTtlNamesThePropertyAndTheRange(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--distlock.backend=local", "--distlock.default-ttl=0s"));
		assertThat(output).contains("Invalid value '0s' for property 'distlock.default-ttl'")
			.contains("distlock.default-ttl must be a positive duration of at least 1s, but was 0s")
			.contains("Set distlock.default-ttl to a duration of 1s or more");
	}

	@Test
	void propertyDurationWithoutAUnit(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--distlock.backend=local", "--distlock.default-ttl=10"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '10' for property 'distlock.default-ttl' (from \"distlock.default-ttl\" from "
					+ "property source \"commandLineArgs\"): distlock.default-ttl has no unit: Spring would read it "
					+ "as 10 milliseconds")
			.contains("Set distlock.default-ttl to a duration with its unit: 10s for seconds, or 10ms if you mean "
					+ "milliseconds");
	}

	private static void run(String... args) {
		run(MinimalApplication.class, args);
	}

	private static void run(Class<?> bean, String... args) {
		SpringApplication application = new SpringApplication(MinimalApplication.class, bean);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args).close();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class })
	static class MinimalApplication {

	}

	static class Payments {

		@DistributedLock(key = "'order:' + #orderIdd")
		public void pay(long orderId) {
		}

	}

	static class BareTtl {

		@DistributedLock(key = "'order:' + #orderId", ttl = "10")
		public void pay(long orderId) {
		}

	}

}
