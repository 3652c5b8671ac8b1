package io.github.distlock.it.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Readiness probes in plain JDK code, each bounded by short socket timeouts. */
final class Probes {

	static final Duration TIMEOUT = Duration.ofSeconds(1);

	// HTTP/1.1 because etcd's gateway and Consul speak cleartext HTTP/1.1; an h2c upgrade
	// attempt
	// only adds a round of negotiation.
	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(TIMEOUT)
		.build();

	private Probes() {
	}

	/**
	 * Sends a RESP {@code PING} and returns the first reply line ({@code +PONG}, or an
	 * error such as {@code -NOAUTH ...} when the default user is disabled), or
	 * {@code null} if nothing came back.
	 */
	static String redisPing(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(Ports.loopback(), port), (int) TIMEOUT.toMillis());
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			return readLine(socket.getInputStream());
		}
		catch (IOException e) {
			return null;
		}
	}

	/**
	 * GETs the URL; returns the body of a 200 answer, or {@code null} on any other
	 * outcome.
	 */
	static String httpGet(String url) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 ? response.body() : null;
		}
		catch (IOException e) {
			return null;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1) {
			if (c == '\n') {
				int end = line.length();
				return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
			}
			line.append((char) c);
		}
		return line.length() == 0 ? null : line.toString();
	}

}
