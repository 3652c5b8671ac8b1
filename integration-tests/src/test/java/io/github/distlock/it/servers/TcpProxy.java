package io.github.distlock.it.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free {@code 127.0.0.1} port in front of one server, so a test can
 * break the network path of the clients that connect through it while other clients keep
 * talking to the server directly.
 *
 * <ul>
 * <li>{@link #stall()}: bytes stop flowing in both directions, connections stay open and
 * new ones are still accepted, like a frozen link or a black-holing firewall. Clients see
 * timeouts. Nothing is dropped: data read while stalled is delivered after
 * {@link #resume()}.</li>
 * <li>{@link #sever()}: every current connection is closed on both sides (clients read
 * end of stream or get a reset); new connections are accepted and work.</li>
 * </ul>
 *
 * <pre>
 * try (TcpProxy proxy = TcpProxy.start(redis.port())) {
 *     connect a client to proxy.port() ...
 *     proxy.stall();   // the client's next command times out
 *     proxy.resume();
 * }
 * </pre>
 *
 * <p>
 * Blocking sockets with two daemon threads per connection; at most
 * {@value #MAX_CONNECTIONS} connections at a time (more are refused by closing them).
 * {@link #close()} closes the listening socket and every connection and stops all
 * threads.
 */
public final class TcpProxy implements AutoCloseable {

	/** Upper bound on simultaneous proxied connections, which bounds the thread count. */
	public static final int MAX_CONNECTIONS = 128;

	private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

	private static final int AWAIT_SECONDS = 5;

	private static final AtomicInteger IDS = new AtomicInteger();

	private final int targetPort;

	private final ServerSocket listener;

	private final ExecutorService threads;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final Object gate = new Object();

	private final int id = IDS.incrementAndGet();

	private final CountDownLatch acceptLoopDone = new CountDownLatch(1);

	private boolean stalled; // guarded by gate

	private volatile boolean closed;

	private TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.listener = new ServerSocket();
		listener.bind(new InetSocketAddress(Ports.loopback(), 0));
		AtomicInteger threadIds = new AtomicInteger();
		this.threads = new ThreadPoolExecutor(1, 1 + 2 * MAX_CONNECTIONS, 10, TimeUnit.SECONDS,
				new SynchronousQueue<>(), runnable -> {
					Thread thread = new Thread(runnable, "tcp-proxy-" + id + "-" + threadIds.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		threads.execute(this::acceptLoop);
	}

	/**
	 * Starts a proxy to {@code 127.0.0.1:targetPort}.
	 * @param targetPort the server's port
	 * @return the running proxy
	 */
	public static TcpProxy start(int targetPort) {
		try {
			return new TcpProxy(targetPort);
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot open a proxy port", e);
		}
	}

	/**
	 * Returns the port clients connect to instead of the server's.
	 * @return the proxy port
	 */
	public int port() {
		return listener.getLocalPort();
	}

	/** Stops forwarding bytes in both directions; connections stay open. Idempotent. */
	public void stall() {
		synchronized (gate) {
			stalled = true;
		}
	}

	/** Forwards bytes again, including those that arrived while stalled. Idempotent. */
	public void resume() {
		synchronized (gate) {
			stalled = false;
			gate.notifyAll();
		}
	}

	/**
	 * Returns whether forwarding is stalled.
	 * @return {@code true} between {@link #stall()} and {@link #resume()}
	 */
	public boolean isStalled() {
		synchronized (gate) {
			return stalled;
		}
	}

	/**
	 * Closes every current connection on both sides; later connections are accepted as
	 * usual. Does not change the stalled state.
	 * @return how many connections were closed
	 */
	public int sever() {
		List<Connection> severed = new ArrayList<>(connections);
		severed.forEach(Connection::close);
		// A socket closed under a thread blocked in read() is only really closed once
		// that thread
		// leaves read(); waiting for the pumps makes "closed" true when this method
		// returns.
		for (Connection connection : severed) {
			connection.awaitPumps();
		}
		return severed.size();
	}

	/**
	 * Returns the number of open proxied connections.
	 * @return the count
	 */
	public int activeConnections() {
		return connections.size();
	}

	@Override
	public void close() {
		closed = true;
		try {
			listener.close();
		}
		catch (IOException ignored) {
			// closing is best effort; the accept loop ends either way because closed is
			// set
		}
		// As in sever(): the listening socket only stops accepting once accept() has
		// returned.
		try {
			acceptLoopDone.await(AWAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		sever();
		synchronized (gate) {
			gate.notifyAll();
		}
		threads.shutdownNow();
	}

	@Override
	public String toString() {
		return "TcpProxy[127.0.0.1:" + port() + " -> 127.0.0.1:" + targetPort + (isStalled() ? ", stalled" : "") + ", "
				+ activeConnections() + " connections]";
	}

	private void acceptLoop() {
		try {
			acceptConnections();
		}
		finally {
			acceptLoopDone.countDown();
		}
	}

	private void acceptConnections() {
		while (!closed) {
			Socket client;
			try {
				client = listener.accept();
			}
			catch (IOException e) {
				if (closed) {
					return;
				}
				continue;
			}
			if (connections.size() >= MAX_CONNECTIONS) {
				closeQuietly(client);
				continue;
			}
			Socket upstream = new Socket();
			try {
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
				upstream.connect(new InetSocketAddress("127.0.0.1", targetPort), CONNECT_TIMEOUT_MILLIS);
			}
			catch (IOException e) {
				// The server is down: the client sees its connection closed, as with a
				// refused connect.
				closeQuietly(upstream);
				closeQuietly(client);
				continue;
			}
			Connection connection = new Connection(client, upstream);
			connections.add(connection);
			try {
				threads.execute(() -> pump(connection, client, upstream));
			}
			catch (RejectedExecutionException e) {
				connection.pumps.countDown();
				connection.pumps.countDown();
				connection.close();
				continue;
			}
			try {
				threads.execute(() -> pump(connection, upstream, client));
			}
			catch (RejectedExecutionException e) {
				connection.pumps.countDown();
				connection.close();
			}
		}
	}

	private void pump(Connection connection, Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int n;
			while ((n = in.read(buffer)) != -1) {
				if (!awaitOpenGate(connection)) {
					return;
				}
				out.write(buffer, 0, n);
				out.flush();
			}
		}
		catch (SocketException e) {
			// closed by sever()/close() or by the peer: the connection is over either way
		}
		catch (IOException e) {
			// same: any I/O failure ends this connection
		}
		finally {
			connection.close();
			connection.pumps.countDown();
		}
	}

	/**
	 * Blocks while stalled; returns false if the connection or proxy was closed
	 * meanwhile.
	 */
	private boolean awaitOpenGate(Connection connection) {
		synchronized (gate) {
			while (stalled && !closed && !connection.isClosed()) {
				try {
					gate.wait();
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return !closed && !connection.isClosed();
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ignored) {
			// nothing useful to do about a socket that fails to close
		}
	}

	/** One client connection and its upstream twin; closing either side closes both. */
	private final class Connection {

		private final Socket client;

		private final Socket upstream;

		private final CountDownLatch pumps = new CountDownLatch(2);

		private volatile boolean isClosed;

		Connection(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		boolean isClosed() {
			return isClosed;
		}

		void awaitPumps() {
			try {
				pumps.await(AWAIT_SECONDS, TimeUnit.SECONDS);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}

		void close() {
			if (isClosed) {
				return;
			}
			isClosed = true;
			closeQuietly(client);
			closeQuietly(upstream);
			connections.remove(this);
			// Wakes a pump parked at the stalled gate so its thread ends now, not at
			// resume().
			synchronized (gate) {
				gate.notifyAll();
			}
		}

	}

}
