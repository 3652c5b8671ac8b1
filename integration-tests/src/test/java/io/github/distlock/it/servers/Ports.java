package io.github.distlock.it.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Hands out free loopback ports. The kernel may give a port back as "free" while one of
 * our servers is down between {@code kill()} and {@code restart()}; remembering the ports
 * this JVM owns keeps a second server from grabbing it in the meantime.
 */
final class Ports {

	private static final Set<Integer> OWNED = new HashSet<>();

	private Ports() {
	}

	static InetAddress loopback() {
		return InetAddress.getLoopbackAddress();
	}

	/**
	 * Returns {@code count} distinct ports that were free a moment ago and are now owned
	 * by the caller.
	 */
	static synchronized int[] reserve(int count) {
		List<ServerSocket> held = new ArrayList<>();
		try {
			int[] ports = new int[count];
			int found = 0;
			// Sockets stay open until all are picked so the kernel cannot hand out the
			// same one twice.
			for (int attempt = 0; found < count && attempt < count + 50; attempt++) {
				ServerSocket socket = new ServerSocket();
				held.add(socket);
				socket.bind(new InetSocketAddress(loopback(), 0));
				int port = socket.getLocalPort();
				if (OWNED.add(port)) {
					ports[found++] = port;
				}
			}
			if (found < count) {
				throw new IllegalStateException("Could not find " + count + " free loopback ports");
			}
			return ports;
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot probe for a free port", e);
		}
		finally {
			for (ServerSocket socket : held) {
				try {
					socket.close();
				}
				catch (IOException ignored) {
					// best effort: a probe socket that fails to close only leaks one
					// descriptor
				}
			}
		}
	}

	static synchronized void release(int... ports) {
		for (int port : ports) {
			OWNED.remove(port);
		}
	}

}
