package io.github.distlock.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.util.ClassUtils;

/**
 * Native-image hints for what distlock's auto-configuration and backends reach
 * reflectively: the properties classes' fields (the startup check for durations without a
 * unit reads them), the client classes whose presence is checked by name, and what the
 * backends' clients load by name: ZooKeeper's socket implementation and jetcd's gRPC name
 * resolvers. Redis (Lettuce) and Consul (the JDK HTTP client, Spring Boot's JSON parser)
 * need nothing more than their libraries declare.
 */
final class DistlockRuntimeHints implements RuntimeHintsRegistrar {

	static final String ZOOKEEPER_SOCKET = "org.apache.zookeeper.ClientCnxnSocketNIO";

	static final String GRPC_NAME_RESOLVERS = "META-INF/services/io.grpc.NameResolverProvider";

	static final String[] ETCD_NAME_RESOLVERS = { "io.etcd.jetcd.resolver.DnsSrvResolverProvider",
			"io.etcd.jetcd.resolver.HttpResolverProvider", "io.etcd.jetcd.resolver.HttpsResolverProvider",
			"io.etcd.jetcd.resolver.IPResolverProvider" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (Class<?> properties : UnitlessDurations.PROPERTIES) {
			registerFields(hints, properties);
		}
		// Checked with ClassUtils.isPresent, which loads them by name.
		hints.reflection().registerType(TypeReference.of(RedisLockAutoConfiguration.LETTUCE_CLIENT));
		hints.reflection().registerType(TypeReference.of(ConsulBackendCandidate.REGISTRATION_CLASS));
		if (ClassUtils.isPresent(ZOOKEEPER_SOCKET, classLoader)) {
			// ZooKeeper instantiates its client socket by name, with its client
			// configuration.
			hints.reflection()
				.registerType(TypeReference.of(ZOOKEEPER_SOCKET),
						(type) -> type.withConstructor(
								List.of(TypeReference.of("org.apache.zookeeper.client.ZKClientConfig")),
								ExecutableMode.INVOKE));
		}
		if (ClassUtils.isPresent(ETCD_NAME_RESOLVERS[0], classLoader)) {
			// jetcd's endpoint schemes are gRPC name resolvers found by ServiceLoader.
			hints.resources().registerPattern(GRPC_NAME_RESOLVERS);
			for (String resolver : ETCD_NAME_RESOLVERS) {
				hints.reflection().registerType(TypeReference.of(resolver), MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
			}
		}
	}

	private static void registerFields(RuntimeHints hints, Class<?> type) {
		hints.reflection().registerType(type, MemberCategory.ACCESS_DECLARED_FIELDS);
		for (Class<?> nested : type.getDeclaredClasses()) {
			registerFields(hints, nested);
		}
	}

}
