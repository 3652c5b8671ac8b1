package io.github.distlock.leadership;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.distlock.LeaderOnly;
import io.github.distlock.Leadership;
import io.github.distlock.LeadershipGrantedEvent;
import io.github.distlock.LeadershipRevokedEvent;
import io.github.distlock.actuate.DistlockEndpoint;
import io.github.distlock.actuate.DistlockHealthIndicator;
import io.github.distlock.aop.InvalidLockDefinitionException;
import io.github.distlock.autoconfigure.DistlockActuatorAutoConfiguration;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.DistlockLeadershipAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.backend.local.LocalLockStore;
import io.github.distlock.spi.LockBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;
import org.springframework.core.NestedExceptionUtils;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@link Leadership} bean campaigns for the configured and the {@code @LeaderOnly}
 * roles, one instance of two leads, the other takes over when the leader stops, and
 * {@code @LeaderOnly} methods run on the leader only.
 */
@Timeout(60)
class LeadershipAutoConfigurationTests {

	private static final Duration BOUND = Duration.ofSeconds(20);

	private final LocalLockStore store = new LocalLockStore();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class,
				DistlockLeadershipAutoConfiguration.class, DistlockActuatorAutoConfiguration.class))
		.withPropertyValues("distlock.leadership.roles=reports", "distlock.leadership.ttl=2s",
				"management.endpoints.web.exposure.include=distlock")
		.withBean(LockBackend.class, () -> new LocalLockBackend(this.store))
		.withBean(Billing.class)
		.withBean(Events.class);

	@Test
	void configuredAndAnnotatedRolesAreLedAndShown() {
		this.runner.run((context) -> {
			Leadership leadership = context.getBean(Leadership.class);
			await().atMost(BOUND).until(() -> leadership.leadingRoles().size() == 2);
			assertThat(leadership.roles()).containsExactly("billing", "reports");
			assertThat(leadership.leadingRoles()).containsExactly("billing", "reports");
			assertThat(context.getBean(Billing.class).charge()).isEqualTo("charged");
			Events events = context.getBean(Events.class);
			assertThat(events.granted).extracting(LeadershipGrantedEvent::getRole)
				.containsExactlyInAnyOrder("billing", "reports");
			assertThat(events.granted).allSatisfy(
					(event) -> assertThat(leadership.fencingToken(event.getRole())).hasValue(event.getFencingToken()));
			assertThat(leadership.isLeader("nobody-campaigns")).isFalse();
			Health health = context.getBean(DistlockHealthIndicator.class).health(true);
			assertThat(health.getDetails()).containsEntry("leaderOf", Set.of("billing", "reports"));
			assertThat(context.getBean(DistlockEndpoint.class).locks(SecurityContext.NONE).leaderOf())
				.containsExactly("billing", "reports");
		});
	}

	@Test
	void theStandbySkipsLeaderOnlyMethodsAndTakesOverWhenTheLeaderStops() {
		this.runner.run((leader) -> {
			Leadership first = leader.getBean(Leadership.class);
			await().atMost(BOUND).until(() -> first.isLeader("billing"));
			long firstToken = first.fencingToken("billing").orElseThrow();
			this.runner.run((standby) -> {
				Leadership second = standby.getBean(Leadership.class);
				assertThat(second.isLeader("billing")).isFalse();
				assertThat(standby.getBean(Billing.class).charge()).as("skipped on the standby").isNull();
				Events leaderEvents = leader.getBean(Events.class);
				leader.close();
				assertThat(leaderEvents.revoked).extracting(LeadershipRevokedEvent::getReason)
					.contains("the application is shutting down");
				await().atMost(BOUND).until(() -> second.isLeader("billing"));
				assertThat(second.fencingToken("billing").orElseThrow()).isGreaterThan(firstToken);
				assertThat(standby.getBean(Billing.class).charge()).isEqualTo("charged");
			});
		});
	}

	@Test
	void leaderOnlyMethodsThatCannotBeSkippedFailStartup() {
		assertStartupFails(PrimitiveLeaderOnly.class,
				"@LeaderOnly on LeadershipAutoConfigurationTests.PrimitiveLeaderOnly.count(): a method returning "
						+ "int cannot be skipped",
				"Return void, a wrapper type or Optional");
		assertStartupFails(EmptyRole.class,
				"@LeaderOnly on LeadershipAutoConfigurationTests.EmptyRole.work(): the role is empty",
				"Name the role, for example @LeaderOnly(\"billing\")");
		assertStartupFails(PrivateLeaderOnly.class,
				"the method is private, so Spring's proxy cannot intercept it and it would run on every instance",
				"Make it a public (or protected), non-final, non-static method");
		assertStartupFails(ReactiveLeaderOnly.class, "reactive return type Mono is not supported yet",
				"Check Leadership.isLeader(role) inside the pipeline");
	}

	@Test
	void aLeadershipTtlBelowOneSecondFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("distlock.leadership.ttl=500ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining(
						"distlock.leadership.ttl must be a positive duration of at least 1s, but was " + "500ms"));
	}

	private void assertStartupFails(Class<?> bean, String message, String action) {
		this.runner.withBean(bean).run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
			assertThat(cause).isInstanceOf(InvalidLockDefinitionException.class).hasMessageContaining(message);
			assertThat(((InvalidLockDefinitionException) cause).getAction()).contains(action);
		});
	}

	static class Billing {

		@LeaderOnly("billing")
		public String charge() {
			return "charged";
		}

	}

	static class Events {

		final List<LeadershipGrantedEvent> granted = new CopyOnWriteArrayList<>();

		final List<LeadershipRevokedEvent> revoked = new CopyOnWriteArrayList<>();

		@EventListener
		void granted(LeadershipGrantedEvent event) {
			this.granted.add(event);
		}

		@EventListener
		void revoked(LeadershipRevokedEvent event) {
			this.revoked.add(event);
		}

	}

	static class PrimitiveLeaderOnly {

		@LeaderOnly("counting")
		public int count() {
			return 1;
		}

	}

	static class EmptyRole {

		@LeaderOnly(" ")
		public void work() {
		}

	}

	static class PrivateLeaderOnly {

		@LeaderOnly("billing")
		private void work() {
		}

	}

	static class ReactiveLeaderOnly {

		@LeaderOnly("billing")
		public Mono<String> work() {
			return Mono.just("worked");
		}

	}

}
