package io.github.distlock.it.redis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.api.sync.RedisServerCommands;

/**
 * Server-side command counts from {@code INFO commandstats}. Commands that scripts run
 * are counted too, which tells the lock scripts' outcomes apart: every acquire attempt
 * runs {@code SET NX}, a successful one {@code INCR}, a failed one {@code PTTL}, and a
 * successful release {@code PUBLISH}. Used by the tests and the benchmark to show that
 * waiters do not poll.
 */
public final class RedisCommandStats {

	private final String info;

	private RedisCommandStats(String info) {
		this.info = info;
	}

	/**
	 * Reads the counts now.
	 */
	public static RedisCommandStats read(RedisServerCommands<String, String> server) {
		return new RedisCommandStats(server.info("commandstats"));
	}

	/**
	 * Zeroes the server's counts.
	 */
	public static void reset(RedisServerCommands<String, String> server) {
		server.configResetstat();
	}

	/**
	 * How often {@code command} (lower case, e.g. {@code pttl}) ran since the last reset.
	 */
	public long calls(String command) {
		Matcher matcher = Pattern.compile("(?m)^cmdstat_" + Pattern.quote(command) + ":calls=(\\d+)")
			.matcher(this.info);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

	/**
	 * Successful acquisitions: the acquire script's {@code INCR} of the fencing counter.
	 */
	public long acquisitions() {
		return calls("incr");
	}

	/**
	 * Failed acquire attempts: the acquire script's {@code PTTL} of the holder's entry.
	 */
	public long failedAttempts() {
		return calls("pttl");
	}

	/**
	 * One line for reports.
	 */
	public String summary() {
		return String.format(
				"acquisitions (INCR) %d, failed attempts (PTTL) %d = %.2f per acquisition, "
						+ "releases (PUBLISH) %d, scripts run (EVALSHA %d, EVAL %d)",
				acquisitions(), failedAttempts(),
				(acquisitions() == 0) ? 0.0 : (double) failedAttempts() / acquisitions(), calls("publish"),
				calls("evalsha"), calls("eval"));
	}

}
