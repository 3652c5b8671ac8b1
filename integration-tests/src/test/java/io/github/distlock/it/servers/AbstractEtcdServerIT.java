package io.github.distlock.it.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The etcd server checks, run once per etcd version by the concrete subclasses, which
 * choose the version with a class-level {@link EtcdVersion}.
 */
@ExtendWith(RealServersExtension.class)
abstract class AbstractEtcdServerIT {

	private static final Duration SHORT = Duration.ofMillis(400);

	/**
	 * Returns the start of the server version the subclass's {@link EtcdVersion} must
	 * give, e.g. {@code "3.5."}.
	 */
	abstract String expectedVersion();

	@Test
	void sharedServerRunsTheRequestedVersion(EtcdServer etcd) throws Exception {
		EtcdHttp http = new EtcdHttp(etcd, Duration.ofSeconds(5));
		assertThat(http.health()).contains("\"health\":\"true\"");
		assertThat(http.serverVersion()).startsWith(expectedVersion());
	}

	@Test
	void jetcdTalksToTheSharedServer(EtcdServer etcd) throws Exception {
		ByteSequence key = ByteSequence.from("it/" + UUID.randomUUID(), StandardCharsets.UTF_8);
		ByteSequence value = ByteSequence.from("v", StandardCharsets.UTF_8);
		try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
			client.getKVClient().put(key, value).get(10, TimeUnit.SECONDS);
			assertThat(client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs()).singleElement()
				.satisfies(kv -> assertThat(kv.getValue()).isEqualTo(value));
		}
	}

	@Test
	void pauseResumeKillAndRestartKeepData(@Dedicated EtcdServer etcd) throws Exception {
		EtcdHttp http = new EtcdHttp(etcd, SHORT);
		EtcdHttp patient = new EtcdHttp(etcd, Duration.ofSeconds(10));
		assertThat(patient.serverVersion()).startsWith(expectedVersion());
		int port = etcd.port();
		patient.put("k", "v1");

		etcd.pause();
		assertThatThrownBy(http::health).isInstanceOf(HttpTimeoutException.class);

		etcd.resume();
		assertThat(patient.health()).contains("\"health\":\"true\"");
		assertThat(patient.get("k")).isEqualTo("v1");

		etcd.restart();
		assertThat(etcd.port()).isEqualTo(port);
		assertThat(patient.get("k")).as("the data directory survives a restart").isEqualTo("v1");

		patient.put("k", "v2");
		etcd.kill();
		assertThat(etcd.isRunning()).isFalse();
		assertThatThrownBy(http::health).isInstanceOf(ConnectException.class);

		etcd.restart();
		assertThat(patient.get("k")).as("acknowledged writes survive SIGKILL").isEqualTo("v2");
		assertThat(etcd.dataDir()).isDirectory();
	}

}
