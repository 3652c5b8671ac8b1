package io.github.distlock.it.virtualthreads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.LockOptions;
import io.github.distlock.autoconfigure.ConsulLockAutoConfiguration;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.EtcdLockAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.autoconfigure.ZooKeeperLockAutoConfiguration;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.spi.LockBackend;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The child JVM of {@link VirtualThreadPinningIT}, run on JDK 21 or later: for each
 * backend given as {@code name=property,property...}, contended acquire, wait and release
 * from virtual threads through two lock templates (so waiters queue in the JVM and on the
 * server), recorded with JFR's {@code jdk.VirtualThreadPinned} at threshold 0. Prints one
 * {@code BACKEND-PINNED} line per event and one {@code BACKEND} summary line per backend,
 * and the same with {@code WARMUP} for a first round that loads the classes used.
 */
public final class PinningProbe {

	static final String LIBRARY_PACKAGE = "io.github.distlock.";

	static final String TEST_PACKAGE = "io.github.distlock.it.";

	private static final int THREADS = 8;

	private static final int ROUNDS = 6;

	/** How many locked actions the checked rounds run on each backend. */
	static final int CHECKED_ACTIONS = THREADS * ROUNDS;

	private static final int WARM_UP_ROUNDS = 2;

	private PinningProbe() {
	}

	public static void main(String[] args) throws Exception {
		controlPin();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			String backend = arg.substring(0, equals);
			String[] properties = arg.substring(equals + 1).split(",");
			probe(backend, properties);
		}
		System.out.println("DONE");
	}

	private static void probe(String backend, String[] properties) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "logging.level.root=WARN", "distlock.backend=" + backend)
			.properties(properties)
			.run()) {
			DefaultLockTemplate first = context.getBean(DefaultLockTemplate.class);
			// A second client on the same backend: its waiters wait on the server, not in
			// the first one's queue.
			try (DefaultLockTemplate second = new DefaultLockTemplate(context.getBean(LockBackend.class),
					first.settings(), List.of())) {
				// A virtual thread that needs a class another thread is loading is pinned
				// on every JDK: a first, contended round loads what the checked rounds
				// use,
				// and is reported apart.
				record("WARMUP", backend, List.of(first, second), WARM_UP_ROUNDS);
				record("BACKEND", backend, List.of(first, second), ROUNDS);
			}
		}
	}

	private static void record(String label, String backend, List<DefaultLockTemplate> templates, int rounds)
			throws Exception {
		Path file = Files.createTempFile("pinning-" + backend, ".jfr");
		try (Recording recording = pinningRecording()) {
			recording.start();
			int held = contend(backend, templates, rounds);
			recording.stop();
			recording.dump(file);
			report(label, backend, held, file);
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	/**
	 * @return how many locked actions ran
	 */
	private static int contend(String backend, List<DefaultLockTemplate> templates, int rounds) throws Exception {
		AtomicInteger ran = new AtomicInteger();
		List<Future<?>> tasks = new ArrayList<>();
		ExecutorService virtual = virtualThreads();
		try {
			for (int t = 0; t < THREADS; t++) {
				DefaultLockTemplate locks = templates.get(t % templates.size());
				String key = "pinning-" + backend + "-" + (t % 2);
				tasks.add(virtual.submit(() -> {
					for (int round = 0; round < rounds; round++) {
						locks.execute(key, LockOptions.ttl(Duration.ofSeconds(10)).withWaitTime(Duration.ofSeconds(30)),
								() -> {
									Thread.sleep(2);
									return ran.incrementAndGet();
								});
					}
					return null;
				}));
			}
			for (Future<?> task : tasks) {
				task.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			virtual.shutdownNow();
		}
		return ran.get();
	}

	/**
	 * A virtual thread that blocks in a class initializer is pinned on every JDK: proves
	 * that a recording sees pinning at all. Prints the {@code CONTROL} line.
	 */
	private static void controlPin() throws Exception {
		Path file = Files.createTempFile("pinning-control", ".jfr");
		try (Recording recording = pinningRecording()) {
			recording.start();
			ExecutorService virtual = virtualThreads();
			try {
				virtual.submit(PinnedOnPurpose::touch).get(10, TimeUnit.SECONDS);
			}
			finally {
				virtual.shutdownNow();
			}
			recording.stop();
			recording.dump(file);
			long pinned = RecordingFile.readAllEvents(file)
				.stream()
				.filter((event) -> event.getEventType().getName().equals("jdk.VirtualThreadPinned"))
				.filter((event) -> event.getStackTrace() != null && event.getStackTrace()
					.getFrames()
					.stream()
					.anyMatch((frame) -> frame.getMethod().getType().getName().equals(PinnedOnPurpose.class.getName())))
				.count();
			System.out.println("CONTROL pinned=" + pinned);
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	private static Recording pinningRecording() {
		Recording recording = new Recording();
		recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
		return recording;
	}

	private static void report(String label, String backend, int held, Path file) throws Exception {
		int library = 0;
		int client = 0;
		Map<String, Integer> clientFrames = new LinkedHashMap<>();
		for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
			if (!event.getEventType().getName().equals("jdk.VirtualThreadPinned") || event.getStackTrace() == null) {
				continue;
			}
			List<String> frames = event.getStackTrace()
				.getFrames()
				.stream()
				.map(RecordedFrame::getMethod)
				.map((method) -> method.getType().getName() + "." + method.getName())
				.toList();
			boolean inLibrary = frames.stream()
				.anyMatch((frame) -> frame.startsWith(LIBRARY_PACKAGE) && !frame.startsWith(TEST_PACKAGE));
			if (inLibrary) {
				library++;
			}
			else {
				client++;
				clientFrames.merge(firstNonJdkFrame(frames), 1, Integer::sum);
			}
			System.out.println(label + "-PINNED backend=" + backend + " distlock=" + inLibrary + " duration="
					+ event.getDuration().toNanos() / 1000 + "us stack=" + frames);
		}
		System.out.println(label + " " + backend + " held=" + held + " distlockPinned=" + library + " clientPinned="
				+ client + " clientFrames=" + clientFrames);
	}

	private static String firstNonJdkFrame(List<String> frames) {
		return frames.stream()
			.filter((frame) -> !frame.startsWith("java.") && !frame.startsWith("jdk.") && !frame.startsWith("sun."))
			.findFirst()
			.orElse(frames.isEmpty() ? "none" : frames.get(0));
	}

	private static ExecutorService virtualThreads() throws ReflectiveOperationException {
		// Compiled for Java 17, run on a JDK with virtual threads.
		return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
	}

	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class,
			EtcdLockAutoConfiguration.class, ZooKeeperLockAutoConfiguration.class, ConsulAutoConfiguration.class,
			ConsulLockAutoConfiguration.class, LocalLockAutoConfiguration.class, DistlockAutoConfiguration.class })
	static class Application {

	}

	static final class PinnedOnPurpose {

		static {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private PinnedOnPurpose() {
		}

		static int touch() {
			return 1;
		}

	}

}
