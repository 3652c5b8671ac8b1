package io.github.distlock.it.instances;

import java.util.OptionalLong;

import io.github.distlock.Leadership;
import io.github.distlock.LeadershipGrantedEvent;
import io.github.distlock.LeadershipRevokedEvent;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.DistlockLeadershipAutoConfiguration;
import io.github.distlock.autoconfigure.RedisLockAutoConfiguration;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.HeldLock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * An instance that campaigns for the role {@value #ROLE} and, every 50ms, reports what it
 * sees on standard output, where a test running it as a separate JVM reads it:
 * {@code ACTION <epoch ms> <isLeader> <fencing token or -1> <epoch ms its lease is valid
 * until, or -1>}, and {@code GRANTED <epoch ms> <token>} / {@code REVOKED <epoch ms>
 * <token> <reason>} for the leadership events.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableScheduling
@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisLockAutoConfiguration.class,
		DistlockAutoConfiguration.class, DistlockLeadershipAutoConfiguration.class })
public class LeaderInstance {

	/**
	 * The role every instance campaigns for.
	 */
	public static final String ROLE = "primary";

	/**
	 * The ttl of the role's lock.
	 */
	public static final String TTL = "2s";

	public static void main(String[] args) {
		new SpringApplicationBuilder(LeaderInstance.class).web(WebApplicationType.NONE)
			.properties("distlock.leadership.roles=" + ROLE, "distlock.leadership.ttl=" + TTL, "instance.report=true")
			.run(args);
	}

	@Bean
	Reporter reporter(Leadership leadership, DefaultLockTemplate locks,
			@Value("${instance.report:false}") boolean report) {
		return new Reporter(leadership, locks, report);
	}

	/**
	 * Writes what the instance sees.
	 */
	static final class Reporter {

		private final Leadership leadership;

		private final DefaultLockTemplate locks;

		private final boolean report;

		Reporter(Leadership leadership, DefaultLockTemplate locks, boolean report) {
			this.leadership = leadership;
			this.locks = locks;
			this.report = report;
		}

		@Scheduled(fixedRate = 50)
		void act() {
			// The time first: an action counts as after a resume only if it began after
			// it.
			long now = System.currentTimeMillis();
			boolean leader = this.leadership.isLeader(ROLE);
			OptionalLong token = this.leadership.fencingToken(ROLE);
			long validUntil = this.locks.heldLocks()
				.stream()
				.filter((held) -> held.key().equals("leadership:" + ROLE) && held.lostReason() == null)
				.map(HeldLock::validFor)
				.findFirst()
				.map((validFor) -> now + validFor.toMillis())
				.orElse(-1L);
			print("ACTION " + now + " " + leader + " " + token.orElse(-1) + " " + validUntil);
		}

		@EventListener
		void granted(LeadershipGrantedEvent event) {
			print("GRANTED " + System.currentTimeMillis() + " " + event.getFencingToken());
		}

		@EventListener
		void revoked(LeadershipRevokedEvent event) {
			print("REVOKED " + System.currentTimeMillis() + " " + event.getFencingToken() + " " + event.getReason());
		}

		private void print(String line) {
			if (this.report) {
				System.out.println(line);
			}
		}

	}

}
