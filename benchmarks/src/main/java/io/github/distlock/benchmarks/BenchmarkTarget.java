package io.github.distlock.benchmarks;

import java.util.List;
import java.util.Optional;

import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.spi.LockBackend;

/**
 * One backend under benchmark: its server, its independent floor and a way to make
 * distlock clients of the same server. Implementations start the server they need and
 * stop it in {@link #close()}.
 */
public interface BenchmarkTarget extends AutoCloseable {

	/**
	 * The backend's name, as given on the command line.
	 */
	String name();

	/**
	 * What the floor does, in a few words for the report (no commas).
	 */
	String floorDescription();

	/**
	 * How the floor waits for a busy lock, for the report.
	 */
	default String floorWait() {
		return "raw client; retried every 1 ms while busy";
	}

	/**
	 * A new, independent instance of the floor: the backend's raw client doing the
	 * cheapest correct lock the server offers, with nothing of distlock's stack, retrying
	 * every millisecond while the lock is busy.
	 */
	LockClient newFloorClient() throws Exception;

	/**
	 * A new, independent distlock client of the same server.
	 */
	LockBackend newBackend() throws Exception;

	/**
	 * The server's processes, for server CPU per operation; empty when the server runs
	 * inside this JVM.
	 */
	List<Long> serverPids();

	/**
	 * Where the peers' JVM connects, in the form its libraries take; empty when the
	 * backend has no peer in the benchmark.
	 */
	default Optional<String> peerEndpoint() {
		return Optional.empty();
	}

	/**
	 * Server-side evidence that waiters do not poll, printed after distlock's last
	 * contended run (for example a command count); empty when the backend has none to
	 * offer.
	 */
	default String pollingEvidence() throws Exception {
		return "";
	}

}
