package io.github.distlock.autoconfigure;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reactor is an optional dependency: an application without it starts, runs synchronous
 * and CompletionStage locked methods, and has no reactive template. Runs in a class
 * loader whose class path lacks Reactor and Reactive Streams.
 */
class WithoutReactorTests {

	@Test
	void anApplicationWithoutReactorLocksAndHasNoReactiveTemplate() throws Exception {
		try (URLClassLoader withoutReactor = new URLClassLoader(classPathWithoutReactor(),
				ClassLoader.getPlatformClassLoader())) {
			assertThatExceptionOfType(ClassNotFoundException.class)
				.isThrownBy(() -> withoutReactor.loadClass("reactor.core.publisher.Mono"));
			Object application = withoutReactor.loadClass(WithoutReactorApplication.class.getName())
				.getConstructor()
				.newInstance();
			// Spring finds its factories through the thread's context class loader.
			ClassLoader previous = Thread.currentThread().getContextClassLoader();
			Thread.currentThread().setContextClassLoader(withoutReactor);
			try {
				assertThat(((Callable<?>) application).call())
					.isEqualTo("sync under k1, async under k2, reactive templates: 0");
			}
			finally {
				Thread.currentThread().setContextClassLoader(previous);
			}
		}
	}

	private static URL[] classPathWithoutReactor() throws Exception {
		List<URL> urls = new ArrayList<>();
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			if (!entry.contains("reactor-core") && !entry.contains("reactive-streams")) {
				urls.add(new File(entry).toURI().toURL());
			}
		}
		return urls.toArray(URL[]::new);
	}

}
