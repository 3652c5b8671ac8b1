package io.github.distlock.it.servers;

import java.util.Optional;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit Jupiter extension that hands tests real servers as parameters of type
 * {@link RedisServer}, {@link EtcdServer}, {@link ConsulServer} or
 * {@link ZooKeeperServer} (in test methods, lifecycle methods and constructors).
 *
 * <pre>
 * &#64;ExtendWith(RealServersExtension.class)
 * class LockIT {
 *     &#64;Test void shared(RedisServer redis, EtcdServer etcd) { ... }
 *     &#64;Test void crash(&#64;Dedicated ConsulServer consul) { consul.kill(); ... }
 * }
 * </pre>
 *
 * <ul>
 * <li><b>Shared</b> (no {@link Dedicated}): one server per kind for the whole JVM run,
 * started on first use and stopped when the run ends (root store, auto-closed). Fault
 * controls on it throw; {@code close()} on it is a no-op. Tests must not rely on it being
 * empty: use unique keys.</li>
 * <li><b>Dedicated</b> ({@link Dedicated}): a server of the parameter's own, started with
 * the annotation's args/config and stopped when the parameter's scope ends (after the
 * test method, or after the class for {@code @BeforeAll}/constructor parameters), also on
 * failure.</li>
 * <li>etcd version: {@link EtcdVersion} on the test class; 3.5 by default.</li>
 * </ul>
 *
 * <p>
 * A server that cannot be started (most often: not installed) fails the test with the
 * reason; it is never skipped. Logs are in {@code integration-tests/target/servers/}.
 */
public final class RealServersExtension implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(RealServersExtension.class);

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == RedisServer.class || type == EtcdServer.class || type == ConsulServer.class
				|| type == ZooKeeperServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		ServerKind kind = kindOf(parameterContext, extensionContext);
		Optional<Dedicated> dedicated = parameterContext.findAnnotation(Dedicated.class);
		if (dedicated.isPresent()) {
			ServerOptions options = ServerOptions.defaults()
				.withArgs(dedicated.get().args())
				.withConfig(dedicated.get().config());
			RealServer server = Servers.start(kind, options, false);
			// A fresh key per server: the store closes it with the context the parameter
			// belongs to.
			extensionContext.getStore(NAMESPACE).put(new Object(), new Owned(server));
			return server;
		}
		return shared(extensionContext, kind);
	}

	private static RealServer shared(ExtensionContext context, ServerKind kind) {
		ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
		// Synchronized because tests may run in parallel and the replace-if-dead step is
		// two operations.
		synchronized (RealServersExtension.class) {
			Owned owned = store.computeIfAbsent(kind, k -> new Owned(Servers.start(k, ServerOptions.defaults(), true)),
					Owned.class);
			if (!owned.server().isRunning()) {
				// A shared server that crashed would otherwise fail every later test with
				// a misleading error.
				store.remove(kind);
				owned.close();
				owned = store.computeIfAbsent(kind, k -> new Owned(Servers.start(k, ServerOptions.defaults(), true)),
						Owned.class);
			}
			return owned.server();
		}
	}

	private static ServerKind kindOf(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		if (type == RedisServer.class || type == ConsulServer.class || type == ZooKeeperServer.class) {
			return type == RedisServer.class ? ServerKind.REDIS
					: type == ConsulServer.class ? ServerKind.CONSUL : ServerKind.ZOOKEEPER;
		}
		// The test class, which may be a subclass of the method's class: one concrete
		// class per etcd
		// version over an abstract test (the annotation is @Inherited).
		EtcdVersion version = extensionContext.getTestClass().map(c -> c.getAnnotation(EtcdVersion.class)).orElse(null);
		if (version == null || version.value().equals("3.5")) {
			return ServerKind.ETCD_3_5;
		}
		if (version.value().equals("3.4")) {
			return ServerKind.ETCD_3_4;
		}
		throw new ParameterResolutionException(
				"@EtcdVersion(\"" + version.value() + "\"): supported are \"3.5\" and \"3.4\"");
	}

	/**
	 * Stored in an extension context so that JUnit closes the server with that context.
	 */
	private record Owned(RealServer server) implements AutoCloseable {

		@Override
		public void close() {
			Servers.shutdown(server);
		}
	}

}
