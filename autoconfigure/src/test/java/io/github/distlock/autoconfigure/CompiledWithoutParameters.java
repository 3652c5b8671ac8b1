package io.github.distlock.autoconfigure;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.github.distlock.DistributedLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compiles a class the way a build without {@code -parameters} does, since this module's
 * own classes are all compiled with it.
 */
final class CompiledWithoutParameters {

	private CompiledWithoutParameters() {
	}

	/**
	 * Compiles {@code source}, a public class {@code compiled.<simpleName>}, and loads
	 * it.
	 */
	static Class<?> load(Path directory, String simpleName, String source) throws Exception {
		Path file = directory.resolve("compiled").resolve(simpleName + ".java");
		Files.createDirectories(file.getParent());
		Files.writeString(file, source);
		String classpath = Path.of(DistributedLock.class.getProtectionDomain().getCodeSource().getLocation().toURI())
			.toString();
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		int status = compiler.run(null, null, null, "-proc:none", "-classpath", classpath, "-d", directory.toString(),
				file.toString());
		assertThat(status).as("javac of " + simpleName).isZero();
		URLClassLoader loader = new URLClassLoader(new URL[] { directory.toUri().toURL() },
				CompiledWithoutParameters.class.getClassLoader());
		Class<?> type = loader.loadClass("compiled." + simpleName);
		assertThat(List.of(type.getMethods())
			.stream()
			.filter((method) -> method.getDeclaringClass() == type)
			.flatMap((method) -> List.of(method.getParameters()).stream())
			.noneMatch((parameter) -> parameter.isNamePresent())).as("compiled without -parameters").isTrue();
		return type;
	}

}
