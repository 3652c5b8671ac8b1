package io.github.distlock.it.servers;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Redis RESP client over a plain socket, for the server tests: it must show the
 * real wire behaviour (a timeout is a socket read timeout, a cut is an end of stream),
 * which a pooled, reconnecting client library would hide.
 */
final class RespConnection implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	RespConnection(int port, Duration readTimeout) {
		try {
			socket = new Socket();
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
			socket.setSoTimeout((int) readTimeout.toMillis());
			in = new BufferedInputStream(socket.getInputStream());
			out = socket.getOutputStream();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Changes the read timeout: short where a timeout is expected, generous where an
	 * answer is.
	 */
	RespConnection readTimeout(Duration timeout) throws IOException {
		socket.setSoTimeout((int) timeout.toMillis());
		return this;
	}

	/**
	 * Sends a command and returns its reply (simple string, error, integer or bulk
	 * string) as text.
	 */
	String call(String... args) throws IOException {
		send(args);
		return reply();
	}

	void send(String... args) throws IOException {
		StringBuilder command = new StringBuilder("*").append(args.length).append("\r\n");
		for (String arg : args) {
			command.append('$')
				.append(arg.getBytes(StandardCharsets.UTF_8).length)
				.append("\r\n")
				.append(arg)
				.append("\r\n");
		}
		out.write(command.toString().getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	/**
	 * Reads one reply: {@code +OK}, {@code -ERR ...}, {@code :1}, the bulk string's
	 * content, {@code $-1} for a missing value, or an array's elements as {@code [a, b]}.
	 * @throws java.net.SocketTimeoutException if nothing arrives within the read timeout
	 * @throws EOFException if the server (or a proxy) closed the connection
	 */
	String reply() throws IOException {
		String line = line();
		if (line.startsWith("$") && !line.equals("$-1")) {
			int length = Integer.parseInt(line.substring(1));
			byte[] data = in.readNBytes(length + 2);
			return new String(data, 0, length, StandardCharsets.UTF_8);
		}
		if (line.startsWith("*") && !line.equals("*-1")) {
			List<String> elements = new ArrayList<>();
			for (int i = Integer.parseInt(line.substring(1)); i > 0; i--) {
				elements.add(reply());
			}
			return elements.toString();
		}
		return line;
	}

	private String line() throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != '\n') {
			if (c == -1) {
				throw new EOFException("connection closed by the other side");
			}
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	@Override
	public void close() throws IOException {
		socket.close();
	}

}
