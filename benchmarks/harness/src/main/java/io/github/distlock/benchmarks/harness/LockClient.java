package io.github.distlock.benchmarks.harness;

/**
 * One instance of a lock implementation under benchmark: its own connection or session,
 * as one application instance would have. Used by many threads at once.
 */
public interface LockClient extends AutoCloseable {

	/**
	 * Runs {@code criticalSection} while holding the lock {@code key}, waiting for it as
	 * long as the implementation's bounded wait allows.
	 * @param key the lock's name
	 * @param criticalSection the work done under the lock
	 * @throws Exception when the lock could not be acquired or released
	 */
	void runLocked(String key, Runnable criticalSection) throws Exception;

	/**
	 * Builds a client from an acquire step and the release it returns: the shape of every
	 * lock API but an annotation.
	 * @param acquire blocks until {@code key} is held and returns how to release it
	 * @param close what closing the client does
	 * @return the client
	 */
	static LockClient of(Acquire acquire, AutoCloseable close) {
		return new LockClient() {

			@Override
			public void runLocked(String key, Runnable criticalSection) throws Exception {
				Release release = acquire.acquire(key);
				try {
					criticalSection.run();
				}
				finally {
					release.release();
				}
			}

			@Override
			public void close() throws Exception {
				close.close();
			}

		};
	}

	/**
	 * Acquires a lock, waiting for it.
	 */
	@FunctionalInterface
	interface Acquire {

		/**
		 * Blocks until {@code key} is held.
		 * @param key the lock's name
		 * @return how to release it
		 * @throws Exception when the lock could not be acquired in the bounded wait
		 */
		Release acquire(String key) throws Exception;

	}

	/**
	 * Releases one acquisition.
	 */
	@FunctionalInterface
	interface Release {

		/**
		 * Releases the lock.
		 * @throws Exception when the release failed
		 */
		void release() throws Exception;

	}

}
