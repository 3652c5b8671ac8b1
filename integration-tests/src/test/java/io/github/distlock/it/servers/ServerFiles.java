package io.github.distlock.it.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where server logs, data and PID files go: {@code integration-tests/target/servers/}.
 */
final class ServerFiles {

	private ServerFiles() {
	}

	/**
	 * Returns the folder, creating it. Failsafe sets {@code basedir} to the module
	 * folder; outside Maven (an IDE run from the repository root) the module folder is
	 * found relative to the working directory.
	 */
	static Path root() {
		String basedir = System.getProperty("basedir");
		Path module;
		if (basedir != null && !basedir.isBlank()) {
			module = Path.of(basedir);
		}
		else if (Files.isRegularFile(Path.of("integration-tests", "pom.xml"))) {
			module = Path.of("integration-tests");
		}
		else {
			module = Path.of("");
		}
		Path root = module.resolve("target").resolve("servers").toAbsolutePath().normalize();
		try {
			Files.createDirectories(root);
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot create " + root, e);
		}
		return root;
	}

	static void deleteRecursively(Path path) {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(path)) {
			walk.sorted(Comparator.reverseOrder()).forEach(p -> {
				try {
					Files.deleteIfExists(p);
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			});
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot delete " + path, e);
		}
	}

}
