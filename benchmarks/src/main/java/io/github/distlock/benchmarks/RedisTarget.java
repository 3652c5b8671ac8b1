package io.github.distlock.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.github.distlock.backend.redis.RedisKeyspace;
import io.github.distlock.backend.redis.RedisLockBackend;
import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.benchmarks.harness.TryLock;
import io.github.distlock.it.redis.RedisCommandStats;
import io.github.distlock.it.servers.RedisServer;
import io.github.distlock.it.servers.Servers;
import io.github.distlock.spi.LockBackend;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The Redis backend on a dedicated {@code redis-server}, against the classic hand-written
 * lock on one Lettuce connection per instance: {@code SET key value NX PX ttl}, then a
 * compare-and-delete script by {@code EVALSHA}. The floor has no fencing token, no
 * notification and no renewal.
 */
public final class RedisTarget implements BenchmarkTarget {

	private static final String COMPARE_AND_DELETE = """
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  return redis.call('DEL', KEYS[1])
			end
			return 0
			""";

	private static final SetArgs NX_PX = SetArgs.Builder.nx().px(30_000);

	private final RedisServer server = Servers.redis();

	private final RedisClient client = RedisClient.create(this.server.uri());

	private final StatefulRedisConnection<String, String> stats = this.client.connect();

	private final RedisCommands<String, String> statsCommands = this.stats.sync();

	private final String compareAndDeleteSha = this.statsCommands.scriptLoad(COMPARE_AND_DELETE);

	private final AtomicLong floorValues = new AtomicLong();

	@Override
	public String name() {
		return "redis";
	}

	@Override
	public String floorDescription() {
		return "Lettuce SET NX PX + EVALSHA compare-and-delete";
	}

	@Override
	public LockClient newFloorClient() {
		StatefulRedisConnection<String, String> connection = this.client.connect();
		RedisCommands<String, String> commands = connection.sync();
		TryLock floor = (key) -> {
			String value = "floor:" + this.floorValues.incrementAndGet();
			if (!"OK".equals(commands.set(key, value, NX_PX))) {
				return Optional.empty();
			}
			return Optional.of(() -> {
				Long deleted = commands.evalsha(this.compareAndDeleteSha, ScriptOutputType.INTEGER,
						new String[] { key }, value);
				if (deleted != 1) {
					throw new IllegalStateException("floor lock " + key + " not ours at release");
				}
			});
		};
		return floor.retryingClient(connection::close);
	}

	/**
	 * A new backend; the server's command counts start afresh, so that
	 * {@link #pollingEvidence()} covers the scenario that created its backends last.
	 */
	@Override
	public LockBackend newBackend() {
		RedisCommandStats.reset(this.statsCommands);
		return RedisLockBackend.connect(this.client, new RedisKeyspace("bench"), Duration.ofSeconds(5));
	}

	@Override
	public List<Long> serverPids() {
		return List.of(this.server.pid());
	}

	@Override
	public Optional<String> peerEndpoint() {
		return Optional.of(this.server.uri());
	}

	@Override
	public String pollingEvidence() {
		return "INFO commandstats: " + RedisCommandStats.read(this.statsCommands).summary();
	}

	@Override
	public void close() {
		this.stats.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		this.server.close();
	}

}
