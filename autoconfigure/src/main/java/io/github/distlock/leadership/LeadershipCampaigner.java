package io.github.distlock.leadership;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.distlock.Leadership;
import io.github.distlock.LockTemplate;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The {@link Leadership} bean: campaigns for every configured or {@code @LeaderOnly} role
 * from the application's start, and gives them up when it stops.
 *
 * <p>
 * It starts last and stops first ({@link SmartLifecycle#DEFAULT_PHASE}), so leadership is
 * given up before the rest of the application stops, while the lock template can still
 * release its locks.
 */
public final class LeadershipCampaigner implements Leadership, SmartLifecycle {

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private final LockTemplate locks;

	private final Duration ttl;

	private final ApplicationEventPublisher events;

	private final Set<String> configuredRoles;

	private final Supplier<? extends Collection<String>> annotatedRoles;

	private final Map<String, RoleCampaign> campaigns = new ConcurrentHashMap<>();

	private volatile boolean running;

	/**
	 * Creates the campaigner.
	 * @param ttl the ttl of the role locks: how long a crashed leader keeps its role
	 * @param configuredRoles the roles of {@code distlock.leadership.roles}
	 * @param annotatedRoles the roles named in {@code @LeaderOnly}, read at start
	 */
	public LeadershipCampaigner(LockTemplate locks, Duration ttl, ApplicationEventPublisher events,
			Collection<String> configuredRoles, Supplier<? extends Collection<String>> annotatedRoles) {
		this.locks = locks;
		this.ttl = ttl;
		this.events = events;
		this.configuredRoles = Set.copyOf(configuredRoles);
		this.annotatedRoles = annotatedRoles;
	}

	@Override
	public boolean isLeader(String role) {
		RoleCampaign campaign = this.campaigns.get(role);
		return campaign != null && campaign.isLeader();
	}

	@Override
	public OptionalLong fencingToken(String role) {
		RoleCampaign campaign = this.campaigns.get(role);
		return (campaign != null) ? campaign.fencingToken() : OptionalLong.empty();
	}

	@Override
	public Set<String> leadingRoles() {
		Set<String> leading = new TreeSet<>();
		this.campaigns.forEach((role, campaign) -> {
			if (campaign.isLeader()) {
				leading.add(role);
			}
		});
		return leading;
	}

	@Override
	public Set<String> roles() {
		return new TreeSet<>(this.campaigns.keySet());
	}

	/**
	 * Campaigns for {@code role} too, if the campaigner runs and does not yet (a
	 * {@code @LeaderOnly} bean created after the start).
	 */
	void campaignFor(String role) {
		if (this.running && !this.campaigns.containsKey(role)) {
			synchronized (this) {
				if (this.running) {
					this.campaigns.computeIfAbsent(role, this::startCampaign);
				}
			}
		}
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.configuredRoles.forEach((role) -> this.campaigns.computeIfAbsent(role, this::startCampaign));
		this.annotatedRoles.get().forEach((role) -> this.campaigns.computeIfAbsent(role, this::startCampaign));
	}

	@Override
	public void stop() {
		synchronized (this) {
			this.running = false;
		}
		this.campaigns.values().forEach((campaign) -> campaign.stop(STOP_TIMEOUT));
		this.campaigns.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private RoleCampaign startCampaign(String role) {
		RoleCampaign campaign = new RoleCampaign(role, this.locks, this.ttl, this.events, this);
		campaign.start();
		return campaign;
	}

}
