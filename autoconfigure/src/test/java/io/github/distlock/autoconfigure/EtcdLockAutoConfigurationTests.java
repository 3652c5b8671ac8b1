package io.github.distlock.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.github.distlock.autoconfigure.DistlockAutoConfigurationTests.analyze;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The etcd auto-configuration without a server: when it offers the backend, which client
 * it uses, and what a wrong configuration says at startup. Connected behaviour is covered
 * by the etcd *IT tests.
 */
class EtcdLockAutoConfigurationTests {

	/** Nothing listens on the discard port of loopback. */
	private static final String NOWHERE = "http://127.0.0.1:9";

	private final ApplicationContextRunner candidates = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EtcdLockAutoConfiguration.class));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, EtcdLockAutoConfiguration.class));

	@Test
	void offersTheEtcdCandidateWhenJetcdIsPresent() {
		this.candidates.run((context) -> {
			LockBackendCandidate candidate = context.getBean(LockBackendCandidate.class);
			assertThat(candidate.type()).isEqualTo(BackendType.ETCD);
			assertThat(candidate.connectionConfigured()).as("no endpoints and no client bean").isFalse();
		});
	}

	@Test
	void endpointsOrAClientBeanMakeTheConnectionConfigured() {
		this.candidates.withPropertyValues("distlock.etcd.endpoints=" + NOWHERE)
			.run((context) -> assertThat(context.getBean(LockBackendCandidate.class).connectionConfigured()).isTrue());
		try (Client client = Client.builder().endpoints(NOWHERE).build()) {
			this.candidates.withBean(Client.class, () -> client, (definition) -> definition.setDestroyMethodName(""))
				.run((context) -> assertThat(context.getBean(LockBackendCandidate.class).connectionConfigured())
					.isTrue());
		}
	}

	@Test
	void backsOffWithoutJetcdAndChoosingEtcdThenNamesTheDependency() {
		this.candidates.withClassLoader(new FilteredClassLoader(Client.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LockBackendCandidate.class));
		this.runner.withClassLoader(new FilteredClassLoader(Client.class))
			.withPropertyValues("distlock.backend=etcd")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
				assertThat(analysis.getDescription()).contains("distlock.backend is 'etcd'");
				assertThat(analysis.getAction()).contains("<artifactId>jetcd-core</artifactId>");
			});
	}

	@Test
	void propertiesAreBound() {
		this.candidates.withPropertyValues("distlock.etcd.endpoints=http://etcd-1:2379,http://etcd-2:2379",
				"distlock.etcd.user=app", "distlock.etcd.password=secret", "distlock.etcd.namespace=/apps/shop/",
				"distlock.etcd.request-timeout=2s", "distlock.etcd.tls.ca-file=/etc/etcd/ca.pem",
				"distlock.etcd.tls.cert-file=/etc/etcd/client.pem", "distlock.etcd.tls.key-file=/etc/etcd/client.key")
			.run((context) -> {
				DistlockEtcdProperties properties = context.getBean(DistlockEtcdProperties.class);
				assertThat(properties.getEndpoints()).containsExactly("http://etcd-1:2379", "http://etcd-2:2379");
				assertThat(properties.getUser()).isEqualTo("app");
				assertThat(properties.getPassword()).isEqualTo("secret");
				assertThat(properties.getNamespace()).as("trailing slashes dropped").isEqualTo("/apps/shop");
				assertThat(properties.getRequestTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getTls().getCaFile()).isEqualTo(Path.of("/etc/etcd/ca.pem"));
				assertThat(properties.getTls().getCertFile()).isEqualTo(Path.of("/etc/etcd/client.pem"));
				assertThat(properties.getTls().getKeyFile()).isEqualTo(Path.of("/etc/etcd/client.key"));
			});
	}

	@Test
	void defaults() {
		this.candidates.run((context) -> {
			DistlockEtcdProperties properties = context.getBean(DistlockEtcdProperties.class);
			assertThat(properties.getEndpoints()).isEmpty();
			assertThat(properties.getNamespace()).isEqualTo("distlock");
			assertThat(properties.getRequestTimeout()).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@Test
	void anEmptyNamespaceIsRejectedNamingTheProperty() {
		this.runner.withPropertyValues("distlock.backend=etcd", "distlock.etcd.namespace=/").run((context) -> {
			FailureAnalysis analysis = analyze(context, new InvalidPropertyFailureAnalyzer());
			assertThat(analysis.getDescription()).contains("distlock.etcd.namespace").contains("non-empty key prefix");
		});
	}

	@Test
	void choosingEtcdWithoutEndpointsSaysWhatToWrite() {
		this.runner.withPropertyValues("distlock.backend=etcd").run((context) -> {
			FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
			assertThat(analysis.getDescription()).contains("no etcd endpoints are configured");
			assertThat(analysis.getAction()).contains("distlock:\n  etcd:\n    endpoints: http://127.0.0.1:2379")
				.contains("io.etcd.jetcd.Client");
		});
	}

	@Test
	void aUserWithoutPasswordIsRejected() {
		this.runner
			.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=" + NOWHERE, "distlock.etcd.user=app")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
				assertThat(analysis.getDescription()).contains("distlock.etcd.user").contains("distlock.etcd.password");
				assertThat(analysis.getAction()).contains("user: app\n    password:");
			});
	}

	@Test
	void anUnreachableServerFailsAtStartupNamingTheEndpoints() {
		this.runner
			.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=" + NOWHERE,
					"distlock.etcd.request-timeout=500ms")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
				assertThat(analysis.getDescription()).contains("could not reach etcd at [" + NOWHERE + "]");
				assertThat(analysis.getAction()).contains("distlock.etcd.endpoints");
			});
	}

	@Test
	void theApplicationsClientIsUsedInsteadOfTheEndpoints() {
		try (Client client = Client.builder().endpoints(NOWHERE).build()) {
			this.runner.withBean(Client.class, () -> client, (definition) -> definition.setDestroyMethodName(""))
				.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=http://127.0.0.1:10",
						"distlock.etcd.request-timeout=500ms")
				.run((context) -> {
					FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
					assertThat(analysis.getDescription()).contains("the application's jetcd Client");
					assertThat(analysis.getAction()).contains("io.etcd.jetcd.Client bean");
				});
		}
	}

	@Test
	void unreadableTlsFilesFailAtStartup() {
		this.runner
			.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=https://127.0.0.1:2379",
					"distlock.etcd.tls.ca-file=/nonexistent/ca.pem")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
				assertThat(analysis.getDescription()).contains("Cannot set up TLS for etcd");
				assertThat(analysis.getAction()).contains("ca-file:");
			});
		this.runner
			.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=https://127.0.0.1:2379",
					"distlock.etcd.tls.cert-file=/etc/etcd/client.pem")
			.run((context) -> assertThat(analyze(context, new BackendSelectionFailureAnalyzer()).getDescription())
				.contains("Only one of distlock.etcd.tls.cert-file and distlock.etcd.tls.key-file"));
	}

	@Test
	void invalidEndpointsFailAtStartup() {
		this.runner.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=not a url").run((context) -> {
			FailureAnalysis analysis = analyze(context, new BackendSelectionFailureAnalyzer());
			assertThat(analysis.getDescription()).contains("distlock.etcd.endpoints");
			assertThat(analysis.getAction()).contains("endpoints: http://127.0.0.1:2379");
		});
	}

}
