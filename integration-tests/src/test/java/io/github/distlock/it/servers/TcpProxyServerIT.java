package io.github.distlock.it.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that {@link TcpProxy} can cut one client off a server that everybody else still
 * reaches; the shared Redis server is the backend, since the server itself is never
 * touched. (Named {@code *ServerIT} so that the server suite filter
 * {@code -Dit.test=*ServerIT} runs it too.)
 */
@ExtendWith(RealServersExtension.class)
class TcpProxyServerIT {

	private static final Duration SHORT = Duration.ofMillis(300);

	private static final Duration PATIENT = Duration.ofSeconds(5);

	@Test
	void stallHoldsBytesUntilResume(RedisServer redis) throws IOException {
		try (TcpProxy proxy = TcpProxy.start(redis.port());
				RespConnection viaProxy = new RespConnection(proxy.port(), PATIENT);
				RespConnection direct = new RespConnection(redis.port(), PATIENT)) {
			assertThat(viaProxy.call("PING")).isEqualTo("+PONG");

			proxy.stall();
			assertThat(proxy.isStalled()).isTrue();
			viaProxy.readTimeout(SHORT);
			assertThatThrownBy(() -> viaProxy.call("PING")).isInstanceOf(SocketTimeoutException.class);
			assertThat(direct.call("PING")).as("the server itself is fine").isEqualTo("+PONG");

			proxy.resume();
			viaProxy.readTimeout(PATIENT);
			assertThat(viaProxy.reply()).as("the stalled PING is delivered after resume").isEqualTo("+PONG");
			assertThat(viaProxy.call("PING")).isEqualTo("+PONG");
		}
	}

	@Test
	void severClosesCurrentConnectionsButAcceptsNewOnes(RedisServer redis) throws IOException {
		try (TcpProxy proxy = TcpProxy.start(redis.port());
				RespConnection first = new RespConnection(proxy.port(), PATIENT)) {
			assertThat(first.call("PING")).isEqualTo("+PONG");
			assertThat(proxy.activeConnections()).isEqualTo(1);

			assertThat(proxy.sever()).isEqualTo(1);
			assertThatThrownBy(() -> first.call("PING")).isInstanceOfAny(EOFException.class, SocketException.class);
			assertThat(proxy.activeConnections()).isZero();

			try (RespConnection second = new RespConnection(proxy.port(), PATIENT)) {
				assertThat(second.call("PING")).isEqualTo("+PONG");
			}
		}
	}

	@Test
	void closeStopsListening(RedisServer redis) {
		TcpProxy proxy = TcpProxy.start(redis.port());
		int port = proxy.port();
		proxy.close();
		assertThatThrownBy(() -> new RespConnection(port, SHORT)).hasCauseInstanceOf(ConnectException.class);
	}

}
