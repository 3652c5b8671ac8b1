package io.github.distlock.it.virtualthreads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.distlock.it.servers.ConsulServer;
import io.github.distlock.it.servers.EtcdServer;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import io.github.distlock.it.servers.ZooKeeperServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * distlock never pins a carrier thread while virtual threads acquire, wait for and
 * release contended locks, on every backend against its real server: a JDK 25 child JVM
 * ({@link PinningProbe}) records {@code jdk.VirtualThreadPinned} at threshold 0, and any
 * event with a distlock frame on its stack fails the test. Pinning inside a client
 * library alone is reported in the output, not failed (the README lists it per backend).
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class VirtualThreadPinningIT {

	static final Path JDK_25_JAVA = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

	private static final List<String> BACKENDS = List.of("local", "redis", "etcd", "zookeeper", "consul");

	@Test
	void noPinnedEventHasADistlockFrame(RedisServer redis, EtcdServer etcd, ZooKeeperServer zookeeper,
			ConsulServer consul) throws Exception {
		if (!Files.isExecutable(JDK_25_JAVA)) {
			fail("This test runs distlock on virtual threads under JDK 25, expected at " + JDK_25_JAVA
					+ " (Eclipse Temurin 25's Debian package installs it there); install it there or link it");
		}
		List<String> command = new ArrayList<>(List.of(JDK_25_JAVA.toString(),
				// Deep enough that a pin deep inside a client library still shows the
				// distlock frames that led to it.
				"-XX:FlightRecorderOptions:stackdepth=1024", "--enable-native-access=ALL-UNNAMED", "-cp",
				testClassPath(), PinningProbe.class.getName()));
		command.add("local=distlock.default-ttl=10s");
		command.add("redis=spring.data.redis.host=" + redis.host() + ",spring.data.redis.port=" + redis.port());
		command.add("etcd=distlock.etcd.endpoints=" + etcd.endpoint());
		command.add("zookeeper=distlock.zookeeper.connect-string=" + zookeeper.connectString());
		command.add("consul=spring.cloud.consul.host=" + consul.host() + ",spring.cloud.consul.port="
				+ consul.httpPort() + ",distlock.default-ttl=10s");
		// Kept for reading after the build: target/virtual-threads/probe.log.
		Path output = Files.createDirectories(Path.of("target", "virtual-threads")).resolve("probe.log");
		Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
		if (!child.waitFor(75, TimeUnit.SECONDS)) {
			child.destroyForcibly();
			fail("The JDK 25 probe did not finish within 75s; its output:\n" + read(output));
		}
		String log = read(output);
		log.lines()
			.filter((line) -> line.startsWith("BACKEND ") || line.startsWith("WARMUP "))
			.forEach(System.out::println);
		assertThat(child.exitValue()).as("the probe's exit code; its output:\n%s", log).isZero();
		assertThat(log).as("the recording saw the pin made on purpose; the probe's output:\n%s", log)
			.contains("CONTROL pinned=1");
		List<String> summaries = log.lines().filter((line) -> line.startsWith("BACKEND ")).toList();
		assertThat(summaries).as("one summary per backend; the probe's output:\n%s", log).hasSize(BACKENDS.size());
		for (String backend : BACKENDS) {
			String summary = summaries.stream()
				.filter((line) -> line.startsWith("BACKEND " + backend + " "))
				.findFirst()
				.orElseThrow();
			assertThat(summary).as("locked actions that ran").contains(" held=" + PinningProbe.CHECKED_ACTIONS + " ");
			assertThat(summary)
				.as("pinned events with a distlock frame on %s:\n%s", backend, pinnedInDistlock(log, backend))
				.contains(" distlockPinned=0 ");
		}
	}

	private static String pinnedInDistlock(String log, String backend) {
		return String.join("\n",
				log.lines()
					.filter((line) -> line.startsWith("BACKEND-PINNED backend=" + backend + " distlock=true"))
					.toList());
	}

	/**
	 * The test class path, which Failsafe passes in a manifest-only jar by default.
	 */
	private static String testClassPath() {
		String classPath = System.getProperty("surefire.test.class.path");
		return (classPath != null) ? classPath : System.getProperty("java.class.path");
	}

	private static String read(Path file) throws IOException {
		return Files.readString(file, StandardCharsets.UTF_8);
	}

}
