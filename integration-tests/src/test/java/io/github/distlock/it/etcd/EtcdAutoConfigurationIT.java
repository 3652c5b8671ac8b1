package io.github.distlock.it.etcd;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.EtcdLockAutoConfiguration;
import io.github.distlock.backend.etcd.EtcdLockBackend;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.EtcdServer;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.spi.LockBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static io.github.distlock.it.etcd.EtcdTestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The etcd auto-configuration against real servers: endpoints alone are enough, the
 * application's own client is used and left open, and credentials are checked at startup.
 */
@ExtendWith({ RealServersExtension.class, OutputCaptureExtension.class })
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EtcdAutoConfigurationIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, EtcdLockAutoConfiguration.class));

	@Test
	void endpointsAloneChooseAndConnectTheEtcdBackend(EtcdServer etcd) {
		this.runner.withPropertyValues("distlock.etcd.endpoints=" + etcd.endpoint()).run((context) -> {
			assertThat(context.getBean(LockBackend.class)).isInstanceOf(EtcdLockBackend.class);
			assertLocks(context.getBean(LockTemplate.class));
		});
	}

	@Test
	void theApplicationsOwnClientIsUsedAndLeftOpen(EtcdServer etcd) throws Exception {
		try (Client own = EtcdTestSupport.client(etcd)) {
			// The endpoints property points nowhere: only the application's client can
			// make this work.
			this.runner.withBean(Client.class, () -> own)
				.withPropertyValues("distlock.backend=etcd", "distlock.etcd.endpoints=http://127.0.0.1:9",
						"distlock.etcd.request-timeout=2s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertLocks(context.getBean(LockTemplate.class));
					context.getBean(LockBackend.class).close();
					assertThat(own.getKVClient().get(bytes("any")).get(10, TimeUnit.SECONDS).getKvs()).isEmpty();
				});
		}
	}

	@Test
	void credentialsAreCheckedAtStartup(@Dedicated EtcdServer etcd, CapturedOutput output) throws Exception {
		enableAuthentication(etcd);
		this.runner
			.withPropertyValues("distlock.etcd.endpoints=" + etcd.endpoint(), "distlock.etcd.user=app",
					"distlock.etcd.password=secret")
			.run((context) -> assertLocks(context.getBean(LockTemplate.class)));

		assertThatException().isThrownBy(() -> run("--distlock.etcd.endpoints=" + etcd.endpoint(),
				"--distlock.etcd.user=app", "--distlock.etcd.password=wrong"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("etcd at [" + etcd.endpoint() + "] rejected the credentials of user 'app'")
			.contains("invalid user ID or password")
			.contains("Set the user and password of an etcd user whose role may read and write keys under 'distlock/'")
			.contains("    user: app\n    password: ");
	}

	@Test
	void missingCredentialsAreReportedAtStartup(@Dedicated EtcdServer etcd, CapturedOutput output) throws Exception {
		enableAuthentication(etcd);
		assertThatException().isThrownBy(() -> run("--distlock.etcd.endpoints=" + etcd.endpoint()));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("etcd at [" + etcd.endpoint() + "] rejected the credentials: ")
			.contains("user name is empty")
			.contains("    user: app\n    password: ");
	}

	private static void assertLocks(LockTemplate locks) {
		String key = "autoconfigure:" + UUID.randomUUID();
		try (Lease lease = locks.acquire(key, LockOptions.ttl(Duration.ofSeconds(5)))) {
			assertThat(lease.isHeld()).isTrue();
			assertThat(lease.fencingToken()).isPositive();
		}
	}

	/**
	 * A root user (required by etcd) and an application user that may use only the lock
	 * namespace.
	 */
	private static void enableAuthentication(EtcdServer etcd) throws Exception {
		try (Client root = EtcdTestSupport.client(etcd)) {
			Auth auth = root.getAuthClient();
			auth.userAdd(bytes("root"), bytes("root-secret")).get(10, TimeUnit.SECONDS);
			auth.roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
			auth.userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
			auth.userAdd(bytes("app"), bytes("secret")).get(10, TimeUnit.SECONDS);
			auth.roleAdd(bytes("distlock")).get(10, TimeUnit.SECONDS);
			auth.roleGrantPermission(bytes("distlock"), bytes("distlock/"), bytes("distlock0"),
					Permission.Type.READWRITE)
				.get(10, TimeUnit.SECONDS);
			auth.userGrantRole(bytes("app"), bytes("distlock")).get(10, TimeUnit.SECONDS);
			auth.authEnable().get(10, TimeUnit.SECONDS);
		}
	}

	private static void run(String... args) {
		SpringApplication application = new SpringApplication(EtcdApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		String[] all = new String[args.length + 2];
		all[0] = "--distlock.backend=etcd";
		all[1] = "--distlock.etcd.request-timeout=3s";
		System.arraycopy(args, 0, all, 2, args.length);
		application.run(all).close();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DistlockAutoConfiguration.class, EtcdLockAutoConfiguration.class })
	static class EtcdApplication {

	}

}
