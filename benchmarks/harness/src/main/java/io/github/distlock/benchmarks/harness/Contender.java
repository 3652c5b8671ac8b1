package io.github.distlock.benchmarks.harness;

/**
 * A lock implementation in the comparison: distlock, a backend's floor or a peer library.
 *
 * @param name the name shown in the report, for example {@code Redisson RLock (watchdog)}
 * @param role what it stands for in the comparison
 * @param note how it is used, in a few words for the report (no commas)
 * @param factory makes one independent instance (client) of it
 */
public record Contender(String name, Role role, String note, Factory factory) {

	/**
	 * What a contender stands for in the comparison.
	 */
	public enum Role {

		/** distlock itself. */
		DISTLOCK,

		/** The backend's raw client doing the minimal correct protocol. */
		FLOOR,

		/** Another lock library, used as its documentation says. */
		PEER

	}

	/**
	 * Makes one independent instance of the contender.
	 */
	@FunctionalInterface
	public interface Factory {

		/**
		 * Makes a new instance with its own connection or session.
		 * @return the instance
		 * @throws Exception when it cannot connect
		 */
		LockClient newClient() throws Exception;

	}

}
