package io.github.distlock.benchmarks;

import io.github.distlock.spi.LockBackend;

/**
 * One backend under benchmark: its raw-client floor and a way to make distlock clients of
 * the same server. Implementations start the server they need and stop it in
 * {@link #close()}.
 */
public interface BenchmarkTarget extends AutoCloseable {

	/**
	 * The backend's name, as given on the command line.
	 */
	String name();

	/**
	 * What the floor does, in one line for the report.
	 */
	String floorDescription();

	/**
	 * One acquire and release of {@code key} through the raw client, the cheapest correct
	 * way the server offers: the floor distlock is compared with.
	 */
	void floorAcquireRelease(String key) throws Exception;

	/**
	 * A new, independent distlock client of the same server.
	 */
	LockBackend newBackend() throws Exception;

	/**
	 * Server-side evidence that waiters do not poll, printed after the contended run (for
	 * example a command count); empty when the backend has none to offer.
	 */
	default String pollingEvidence() throws Exception {
		return "";
	}

}
