package io.github.distlock.it.etcd;

import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.github.distlock.autoconfigure.EtcdLockAutoConfiguration;
import io.github.distlock.it.contract.ReactiveHoldContractTests;
import io.github.distlock.it.servers.EtcdServer;
import io.github.distlock.it.servers.RealServersExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * Asynchronous holds ({@code CompletionStage}, {@code Mono}, {@code Flux}) on a real etcd
 * 3.5, whose locks share one lease per ttl: lock entries are the queue keys
 * {@code <namespace>/<key>/<lease>}.
 */
@ExtendWith(RealServersExtension.class)
class EtcdAsyncHoldsIT extends ReactiveHoldContractTests {

	private static final String NAMESPACE = "distlock-async";

	private static EtcdServer etcd;

	private static Client client;

	@BeforeAll
	static void connect(EtcdServer server) {
		etcd = server;
		client = EtcdTestSupport.client(server);
	}

	@AfterAll
	static void disconnect() {
		client.close();
	}

	@Override
	protected String[] backendProperties() {
		return new String[] { "distlock.backend=etcd", "distlock.etcd.endpoints=" + etcd.endpoint(),
				"distlock.etcd.namespace=" + NAMESPACE };
	}

	@Override
	protected Class<?> backendAutoConfiguration() {
		return EtcdBackend.class;
	}

	@Override
	protected int lockEntriesOnServer(String prefix) throws Exception {
		GetOption countOnly = GetOption.builder().isPrefix(true).withCountOnly(true).build();
		return (int) client.getKVClient()
			.get(EtcdTestSupport.bytes(NAMESPACE + "/" + prefix), countOnly)
			.get(10, TimeUnit.SECONDS)
			.getCount();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(EtcdLockAutoConfiguration.class)
	static class EtcdBackend {

	}

}
