package io.github.distlock.benchmarks;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves the benchmark out of Maven's JVM into one of its own. Under {@code exec:java} the
 * benchmark would share its JVM with Maven, whose JIT compiler is still busy with the
 * build's plugins for tens of seconds: whatever ran first paid for that in ops/s and in
 * client CPU. The child gets this JVM's class path and the {@code benchmark.*} system
 * properties, plus the arguments of {@code benchmark.jvm.args} (space-separated, for
 * example a profiler agent).
 */
final class OwnJvm {

	/** Set in the child, so that it runs the benchmark instead of starting another. */
	static final String MARKER = "benchmark.own-jvm";

	private OwnJvm() {
	}

	static boolean isThisOne() {
		return Boolean.getBoolean(MARKER);
	}

	/**
	 * Runs {@code mainClass} with {@code args} in a new JVM and waits for it.
	 * @return the child's exit code
	 */
	static int run(Class<?> mainClass, String[] args) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// A fixed heap, so that heap growth does not land in one contender's run.
		command.add("-Xms1g");
		command.add("-Xmx1g");
		String extra = System.getProperty("benchmark.jvm.args", "").strip();
		if (!extra.isEmpty()) {
			command.addAll(Arrays.asList(extra.split("\\s+")));
		}
		for (Map.Entry<Object, Object> property : System.getProperties().entrySet()) {
			String key = property.getKey().toString();
			if (key.startsWith("benchmark.") && !key.equals("benchmark.jvm.args")) {
				command.add("-D" + key + "=" + property.getValue());
			}
		}
		command.add("-D" + MARKER + "=true");
		command.add("-cp");
		command.add(String.join(File.pathSeparator, classPath(mainClass.getClassLoader())));
		command.add(mainClass.getName());
		command.addAll(Arrays.asList(args));
		Process child = new ProcessBuilder(command).inheritIO().start();
		try {
			return child.waitFor();
		}
		finally {
			child.destroyForcibly();
		}
	}

	/**
	 * The class path {@code exec:java} built: the URLs of the class loaders up from the
	 * benchmark's, or this JVM's own class path when started by hand.
	 */
	private static Set<String> classPath(ClassLoader loader) throws URISyntaxException {
		Set<String> entries = new LinkedHashSet<>();
		for (ClassLoader current = loader; current != null; current = current.getParent()) {
			if (current instanceof URLClassLoader urls) {
				for (URL url : urls.getURLs()) {
					entries.add(Path.of(url.toURI()).toString());
				}
			}
		}
		if (entries.isEmpty()) {
			entries.addAll(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
		}
		return entries;
	}

}
