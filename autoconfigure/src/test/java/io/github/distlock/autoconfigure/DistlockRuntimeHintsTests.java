package io.github.distlock.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native-image hints of the auto-configuration and the backends, registered through
 * {@code META-INF/spring/aot.factories}.
 */
class DistlockRuntimeHintsTests {

	private final RuntimeHints hints = registeredHints();

	@Test
	void theDurationCheckCanReadEveryPropertiesClassIncludingNestedOnes() {
		for (Class<?> type : List.of(DistlockProperties.class, DistlockProperties.Shutdown.class,
				DistlockRedisProperties.class, DistlockEtcdProperties.class, DistlockZooKeeperProperties.class,
				DistlockZooKeeperProperties.Retry.class, DistlockConsulProperties.class)) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(type)
				.withMemberCategory(MemberCategory.ACCESS_DECLARED_FIELDS)).as(type.getName()).accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(DistlockProperties.Shutdown.class, "gracePeriod"))
			.accepts(this.hints);
	}

	@Test
	void clientsCheckedByNameAreRegistered() {
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("io.lettuce.core.RedisClient")))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(TypeReference.of("org.springframework.cloud.consul.serviceregistry.ConsulRegistration")))
			.accepts(this.hints);
	}

	@Test
	void zooKeeperCanCreateItsClientSocketByName() throws Exception {
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(Class.forName(DistlockRuntimeHints.ZOOKEEPER_SOCKET)
				.getDeclaredConstructor(org.apache.zookeeper.client.ZKClientConfig.class)))
			.accepts(this.hints);
	}

	@Test
	void etcdEndpointSchemesResolveThroughTheirServiceLoaderProviders() throws Exception {
		assertThat(RuntimeHintsPredicates.resource().forResource(DistlockRuntimeHints.GRPC_NAME_RESOLVERS))
			.accepts(this.hints);
		for (String resolver : DistlockRuntimeHints.ETCD_NAME_RESOLVERS) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onConstructorInvocation(Class.forName(resolver).getConstructor())).as(resolver).accepts(this.hints);
		}
	}

	private static RuntimeHints registeredHints() {
		RuntimeHints hints = new RuntimeHints();
		List<RuntimeHintsRegistrar> registrars = AotServices.factories().load(RuntimeHintsRegistrar.class).asList();
		assertThat(registrars).hasAtLeastOneElementOfType(DistlockRuntimeHints.class);
		registrars
			.forEach((registrar) -> registrar.registerHints(hints, DistlockRuntimeHintsTests.class.getClassLoader()));
		return hints;
	}

}
