package io.github.distlock.it.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that {@link RealServersExtension} gives tests a real, controllable Redis server.
 */
@ExtendWith(RealServersExtension.class)
class RedisServerIT {

	private static final Duration SHORT = Duration.ofMillis(300);

	private static final Duration PATIENT = Duration.ofSeconds(5);

	private static volatile RedisServer dedicatedOfAFinishedTest;

	@AfterAll
	static void dedicatedServersEndWithTheirTest() {
		assertThat(dedicatedOfAFinishedTest).isNotNull();
		assertThat(dedicatedOfAFinishedTest.isRunning()).isFalse();
	}

	@Test
	void sharedServerAnswersAndIsTheSameForEveryParameter(RedisServer redis, RedisServer again) throws IOException {
		assertThat(redis).isSameAs(again);
		assertThat(redis.host()).isEqualTo("127.0.0.1");
		try (RespConnection connection = new RespConnection(redis.port(), PATIENT)) {
			assertThat(connection.call("PING")).isEqualTo("+PONG");
			assertThat(connection.call("CONFIG", "GET", "bind")).isEqualTo("[bind, 127.0.0.1]");
		}
		assertThat(redis.logFile()).exists().hasFileName("redis-" + redis.port() + ".log");
	}

	@Test
	void sharedServerRefusesFaultControlsAndClose(RedisServer redis) throws IOException {
		assertThatThrownBy(redis::pause).isInstanceOf(IllegalStateException.class).hasMessageContaining("@Dedicated");
		assertThatThrownBy(redis::kill).isInstanceOf(IllegalStateException.class);
		assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class);
		redis.close();
		assertThat(redis.isRunning()).isTrue();
		try (RespConnection connection = new RespConnection(redis.port(), PATIENT)) {
			assertThat(connection.call("PING")).isEqualTo("+PONG");
		}
	}

	@Test
	void pauseResumeKillAndRestart(@Dedicated RedisServer redis) throws IOException {
		dedicatedOfAFinishedTest = redis;
		int port = redis.port();
		try (RespConnection connection = new RespConnection(port, PATIENT)) {
			assertThat(connection.call("SET", "k", "v")).isEqualTo("+OK");

			redis.pause();
			assertThat(redis.isPaused()).isTrue();
			connection.readTimeout(SHORT);
			assertThatThrownBy(() -> connection.call("PING")).isInstanceOf(SocketTimeoutException.class);

			redis.resume();
			connection.readTimeout(PATIENT);
			// The PING sent while paused is answered once the process runs again.
			assertThat(connection.reply()).isEqualTo("+PONG");
			assertThat(connection.call("GET", "k")).isEqualTo("v");
		}

		redis.restart();
		assertThat(redis.port()).isEqualTo(port);
		try (RespConnection connection = new RespConnection(port, PATIENT)) {
			// --save "": a restart loses the data, as documented.
			assertThat(connection.call("GET", "k")).isEqualTo("$-1");
		}

		redis.kill();
		assertThat(redis.isRunning()).isFalse();
		assertThatThrownBy(() -> new RespConnection(port, SHORT)).hasCauseInstanceOf(ConnectException.class);

		redis.restart();
		try (RespConnection connection = new RespConnection(port, PATIENT)) {
			assertThat(connection.call("PING")).isEqualTo("+PONG");
		}
	}

	@Test
	void lettuceTimesOutOnAPausedServerAndRecovers(@Dedicated RedisServer redis) {
		RedisClient client = RedisClient
			.create(RedisURI.builder().withHost(redis.host()).withPort(redis.port()).withTimeout(PATIENT).build());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			String key = "it:" + UUID.randomUUID();
			connection.sync().set(key, "v");

			redis.pause();
			connection.setTimeout(SHORT);
			assertThatThrownBy(() -> connection.sync().get(key)).isInstanceOf(RedisCommandTimeoutException.class);

			redis.resume();
			connection.setTimeout(PATIENT);
			assertThat(connection.sync().get(key)).isEqualTo("v");
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	@Test
	void extraArgsConfigureAclUsers(@Dedicated(
			args = { "--user", "app", "on", ">s3cret", "~*", "+@all", "--user", "default", "off" }) RedisServer redis)
			throws IOException {
		try (RespConnection connection = new RespConnection(redis.port(), PATIENT)) {
			assertThat(connection.call("PING")).startsWith("-NOAUTH");
			assertThat(connection.call("AUTH", "app", "wrong")).startsWith("-WRONGPASS");
			assertThat(connection.call("AUTH", "app", "s3cret")).isEqualTo("+OK");
			assertThat(connection.call("PING")).isEqualTo("+PONG");
		}
	}

	@Test
	void programmaticServerIsOwnedByTheCaller() throws IOException {
		RedisServer redis;
		try (RedisServer started = Servers.redis()) {
			redis = started;
			assertThat(started.uri()).isEqualTo("redis://127.0.0.1:" + started.port());
			try (RespConnection connection = new RespConnection(started.port(), PATIENT)) {
				assertThat(connection.call("PING")).isEqualTo("+PONG");
			}
		}
		assertThat(redis.isRunning()).isFalse();
	}

}
