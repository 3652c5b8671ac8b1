package io.github.distlock.it.redis;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Leadership;
import io.github.distlock.LeadershipGrantedEvent;
import io.github.distlock.it.instances.InstanceProcess;
import io.github.distlock.it.instances.Instances;
import io.github.distlock.it.instances.LeaderInstance;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leadership between a leader in a JVM of its own and a standby in the test JVM, on a
 * real Redis. After {@code kill -9} of the leader, the standby leads within the
 * documented bound (the ttl after the leader's last renewal, plus a round trip) and never
 * while the old leader's lease was still valid. A leader paused with {@code SIGSTOP} past
 * its ttl sees {@code isLeader == false} at its first action after {@code SIGCONT},
 * although it was never told.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(90)
class RedisLeadershipIT {

	private static final Duration TTL = DurationStyle.detectAndParse(LeaderInstance.TTL);

	private static final Duration STARTUP = Duration.ofSeconds(60);

	// Documented: a crashed holder's ttl after its last renewal, plus one round trip; the
	// slack covers the standby's event dispatch on a loaded machine.
	private static final Duration TAKEOVER_BOUND = TTL.plusSeconds(1);

	@Test
	void afterTheLeaderIsKilledTheStandbyLeadsWithinTheBoundAndNotBefore(RedisServer redis) throws Exception {
		String prefix = "it-leader-" + UUID.randomUUID();
		try (InstanceProcess leader = InstanceProcess.start(LeaderInstance.class, redis, prefix)) {
			long leaderToken = token(leader.awaitLine(STARTUP, (line) -> line.startsWith("GRANTED ")));
			Grants grants = new Grants();
			try (ConfigurableApplicationContext standby = standby(redis, prefix, grants)) {
				assertThat(standby.getBean(Leadership.class).isLeader(LeaderInstance.ROLE)).isFalse();
				lastLeadingAction(leader);
				leader.kill();
				long killedAt = System.currentTimeMillis();
				// Its last report, now that all its output has been read.
				String lastReport = lastLeadingAction(leader);
				Grant grant = grants.next();
				long leaderValidUntil = Long.parseLong(lastReport.split(" ")[4]);
				System.out.println("Takeover after kill -9: " + (grant.at() - killedAt) + "ms; granted "
						+ (grant.at() - leaderValidUntil) + "ms after the old leader's last reported validity end");
				assertThat(grant.token()).as("fencing token").isGreaterThan(leaderToken);
				assertThat(grant.at()).as("granted after the old leader's lease (%s) ended", lastReport)
					.isGreaterThanOrEqualTo(leaderValidUntil);
				assertThat(grant.at() - killedAt).as("takeover after kill -9, in ms")
					.isLessThanOrEqualTo(TAKEOVER_BOUND.toMillis());
			}
		}
	}

	@Test
	void aLeaderPausedPastItsTtlIsNoLongerLeaderAtItsFirstActionAfterResuming(RedisServer redis) throws Exception {
		String prefix = "it-leader-" + UUID.randomUUID();
		try (InstanceProcess leader = InstanceProcess.start(LeaderInstance.class, redis, prefix)) {
			long leaderToken = token(leader.awaitLine(STARTUP, (line) -> line.startsWith("GRANTED ")));
			lastLeadingAction(leader);
			Grants grants = new Grants();
			try (ConfigurableApplicationContext standby = standby(redis, prefix, grants)) {
				leader.pause(true);
				// Paused past its ttl: the standby is granted the role meanwhile.
				assertThat(grants.next().token()).isGreaterThan(leaderToken);
				long resumedAt = System.currentTimeMillis();
				leader.pause(false);
				String firstAction = leader.awaitLine(Duration.ofSeconds(20),
						(line) -> line.startsWith("ACTION ") && Long.parseLong(line.split(" ")[1]) >= resumedAt);
				assertThat(firstAction.split(" ")[2]).as("isLeader in %s", firstAction).isEqualTo("false");
				assertThat(leader.awaitLine(Duration.ofSeconds(20), (line) -> line.startsWith("REVOKED ")))
					.contains("lost or its validity ended");
				assertThat(standby.getBean(Leadership.class).isLeader(LeaderInstance.ROLE)).isTrue();
			}
		}
	}

	private static ConfigurableApplicationContext standby(RedisServer redis, String prefix, Grants grants) {
		return Instances.on(redis, prefix, LeaderInstance.class)
			.properties("distlock.leadership.roles=" + LeaderInstance.ROLE,
					"distlock.leadership.ttl=" + LeaderInstance.TTL)
			.listeners(grants)
			.run();
	}

	/**
	 * The leader's last action line in which it leads; waits for one made from now on
	 * while it runs.
	 */
	private static String lastLeadingAction(InstanceProcess leader) {
		long after = System.currentTimeMillis();
		if (leader.isAlive()) {
			leader.awaitLine(Duration.ofSeconds(10), (line) -> line.startsWith("ACTION ")
					&& Long.parseLong(line.split(" ")[1]) >= after && line.split(" ")[2].equals("true"));
		}
		return leader.lines()
			.stream()
			.filter((line) -> line.startsWith("ACTION ") && line.split(" ")[2].equals("true"))
			.reduce((first, second) -> second)
			.orElseThrow();
	}

	private static long token(String grantedLine) {
		return Long.parseLong(grantedLine.split(" ")[2]);
	}

	private record Grant(long at, long token) {
	}

	/**
	 * The standby's grants, with the wall-clock time each was announced.
	 */
	private static final class Grants implements ApplicationListener<LeadershipGrantedEvent> {

		private final BlockingQueue<Grant> grants = new LinkedBlockingQueue<>();

		@Override
		public void onApplicationEvent(LeadershipGrantedEvent event) {
			this.grants.add(new Grant(System.currentTimeMillis(), event.getFencingToken()));
		}

		Grant next() throws InterruptedException {
			Grant grant = this.grants.poll(30, TimeUnit.SECONDS);
			assertThat(grant).as("a grant to the standby within 30s").isNotNull();
			return grant;
		}

	}

}
