package io.github.distlock.actuate;

import java.security.Principal;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockActuatorAutoConfiguration;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class DistlockActuatorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class,
				DistlockActuatorAutoConfiguration.class))
		.withPropertyValues("distlock.backend=local", "management.endpoints.web.exposure.include=distlock");

	@Test
	void endpointListsHeldLocksWithTheirTokens() {
		this.runner.withPropertyValues("management.endpoint.distlock.show-values=always").run((context) -> {
			try (Lease lease = context.getBean(LockTemplate.class)
				.acquire("order:1", LockOptions.defaults().withName("orders"))) {
				DistlockEndpoint.LocksDescriptor locks = context.getBean(DistlockEndpoint.class)
					.locks(SecurityContext.NONE);
				assertThat(locks.backend()).isEqualTo("local");
				assertThat(locks.locks()).singleElement().satisfies((held) -> {
					assertThat(held.key()).isEqualTo("order:1");
					assertThat(held.name()).isEqualTo("orders");
					assertThat(held.fencingToken()).isEqualTo(lease.fencingToken());
					assertThat(held.validFor()).isPositive();
					assertThat(held.lostReason()).isNull();
				});
			}
			assertThat(context.getBean(DistlockEndpoint.class).locks(SecurityContext.NONE).locks()).isEmpty();
		});
	}

	@Test
	void endpointMasksTheKeysByDefault() {
		this.runner.run((context) -> {
			try (Lease lease = context.getBean(LockTemplate.class)
				.acquire("customer:alice@example.com", LockOptions.defaults().withName("customers"))) {
				DistlockEndpoint endpoint = context.getBean(DistlockEndpoint.class);
				assertThat(endpoint.locks(authorized("ADMIN")).locks()).singleElement().satisfies((held) -> {
					assertThat(held.key()).isEqualTo("******");
					assertThat(held.name()).isEqualTo("customers");
					assertThat(held.fencingToken()).isEqualTo(lease.fencingToken());
				});
			}
		});
	}

	@Test
	void whenAuthorizedTheKeysAreShownToUsersInTheConfiguredRoles() {
		this.runner
			.withPropertyValues("management.endpoint.distlock.show-values=when-authorized",
					"management.endpoint.distlock.roles=ADMIN")
			.run((context) -> {
				try (Lease lease = context.getBean(LockTemplate.class).acquire("order:2", LockOptions.defaults())) {
					DistlockEndpoint endpoint = context.getBean(DistlockEndpoint.class);
					assertThat(endpoint.locks(SecurityContext.NONE).locks()).singleElement()
						.satisfies((held) -> assertThat(held.key()).isEqualTo("******"));
					assertThat(endpoint.locks(authorized("USER")).locks()).singleElement()
						.satisfies((held) -> assertThat(held.key()).isEqualTo("******"));
					assertThat(endpoint.locks(authorized("ADMIN")).locks()).singleElement()
						.satisfies((held) -> assertThat(held.key()).isEqualTo("order:2"));
				}
			});
	}

	private static SecurityContext authorized(String role) {
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return () -> "operator";
			}

			@Override
			public boolean isUserInRole(String candidate) {
				return role.equals(candidate);
			}

		};
	}

	@Test
	void healthIsUpWithTheBackendAndChecksTheConnection() {
		this.runner.run((context) -> {
			Health health = context.getBean(DistlockHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "local")
				.containsEntry("heldLocks", 0)
				.containsEntry("connectionChecked", true);
		});
	}

	@Test
	void healthIndicatorCanBeSwitchedOff() {
		this.runner.withPropertyValues("management.health.distlock.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DistlockHealthIndicator.class)
				.hasSingleBean(DistlockEndpoint.class));
	}

}
