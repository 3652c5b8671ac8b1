package io.github.distlock.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time used by the server processes, from {@code /proc/<pid>/stat} ({@code utime} +
 * {@code stime}, in clock ticks). Only processes of their own count: a server inside the
 * benchmark's JVM is not separable from the client.
 */
public final class ServerCpu {

	private static final long TICKS_PER_SECOND = ticksPerSecond();

	private final List<Long> pids;

	/**
	 * Reads the given processes.
	 * @param pids the server processes' ids; empty when the server is not a process of
	 * its own
	 */
	public ServerCpu(List<Long> pids) {
		this.pids = List.copyOf(pids);
	}

	/**
	 * The server processes' ids.
	 * @return the ids
	 */
	public List<Long> pids() {
		return this.pids;
	}

	/**
	 * Whether there is any process to read.
	 * @return false for an in-process server
	 */
	public boolean available() {
		return !this.pids.isEmpty();
	}

	/**
	 * The CPU time the server processes have used so far.
	 * @return nanoseconds, at the kernel's tick resolution (10 ms)
	 */
	public long nanos() {
		long ticks = 0;
		for (long pid : this.pids) {
			ticks += ticks(pid);
		}
		return ticks * 1_000_000_000L / TICKS_PER_SECOND;
	}

	private static long ticks(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
			// The command name (field 2) may hold spaces: count fields after its ')'.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the CPU time of server process " + pid, ex);
		}
	}

	private static long ticksPerSecond() {
		try {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
			return (getconf.waitFor() == 0) ? Long.parseLong(out) : 100;
		}
		catch (IOException | NumberFormatException ex) {
			return 100;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 100;
		}
	}

}
