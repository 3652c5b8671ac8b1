package io.github.distlock.autoconfigure;

import java.util.Objects;

import io.github.distlock.backend.redis.RedisKeyspace;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a backend that cannot be chosen or created: the exception says what is wrong,
 * and this analyzer writes what to add or change, per backend, with the YAML, pom or
 * server command to write.
 */
class BackendSelectionFailureAnalyzer extends AbstractFailureAnalyzer<BackendSelectionException> {

	// An outage of the lock server should not have to stop every restart and every test.
	private static final String START_WITHOUT_SERVER = "\n\nTo start without the server (health DOWN and locks "
			+ "failing with LockBackendException until it answers), set distlock.verify-on-startup: false.";

	private static final String ETCD_ENDPOINTS = "distlock:\n  etcd:\n    endpoints: http://127.0.0.1:2379";

	private static final String ETCD_TLS = "Point the TLS settings at readable PEM files (the client key in PKCS#8), "
			+ "cert-file and key-file together:\n\ndistlock:\n  etcd:\n    tls:\n      ca-file: /etc/etcd/ca.pem\n"
			+ "      cert-file: /etc/etcd/client.pem\n      key-file: /etc/etcd/client-key.pem";

	private static final String ZOOKEEPER_CONNECT = "distlock:\n  zookeeper:\n    connect-string: localhost:2181";

	private static final String ZOOKEEPER_AUTH = "distlock:\n  zookeeper:\n    auth:\n      username: app\n"
			+ "      password: ${ZOOKEEPER_PASSWORD}";

	private static final String WITHOUT_SERVICE_CHECK = "set distlock.consul.bind-to-service-check: false.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BackendSelectionException cause) {
		return new FailureAnalysis(cause.getMessage(), action(cause), cause);
	}

	static String action(BackendSelectionException failure) {
		if (failure instanceof BackendChoiceException choice) {
			return choiceAction(choice);
		}
		if (failure instanceof RedisStartupException redis) {
			return redisAction(redis);
		}
		if (failure instanceof EtcdStartupException etcd) {
			return etcdAction(etcd);
		}
		if (failure instanceof ZooKeeperStartupException zookeeper) {
			return zookeeperAction(zookeeper);
		}
		return consulAction((ConsulStartupException) failure);
	}

	private static String choiceAction(BackendChoiceException failure) {
		String values = BackendType.propertyValues();
		return switch (failure.problem()) {
			case CLIENT_MISSING -> {
				BackendType chosen = failure.chosen();
				yield "Add " + chosen.client() + " to your pom.xml:\n\n" + chosen.dependency()
						+ "\n\nor choose another backend in application.yml (one of " + values + ").";
			}
			case NONE_CONNECTED -> "Choose the backend in application.yml:\n\ndistlock:\n  backend: redis   # one of "
					+ values + "\n\nand add its client to your pom.xml (for example spring-boot-starter-data-redis), "
					+ "or use 'local' for in-JVM locks in a single instance.";
			case SEVERAL_CONNECTED ->
				"Choose one in application.yml:\n\ndistlock:\n  backend: " + failure.connected().get(0).propertyValue()
						+ "   # one of " + BackendChoiceException.names(failure.connected());
		};
	}

	private static String redisAction(RedisStartupException failure) {
		return switch (failure.problem()) {
			case LETTUCE_REQUIRED -> "Use Lettuce, the default client of spring-boot-starter-data-redis: remove the "
					+ "redis.clients:jedis dependency (and any exclusion of io.lettuce:lettuce-core) from your pom.xml, "
					+ "or set\n\nspring:\n  data:\n    redis:\n      client-type: lettuce";
			case NO_CONNECTION_FACTORY -> "Let Spring Boot create it from spring.data.redis.* "
					+ "(spring-boot-starter-data-redis), for example:\n\n"
					+ "spring:\n  data:\n    redis:\n      host: localhost\n      port: 6379\n\n"
					+ "or, if you define several RedisConnectionFactory beans, mark the one for locks @Primary.";
			case CREDENTIALS_REFUSED -> "Set spring.data.redis.username and spring.data.redis.password (or the user "
					+ "and password in spring.data.redis.url) to a Redis user that exists, is enabled and has that "
					+ "password, for example:\n\nspring:\n  data:\n    redis:\n      username: app\n"
					+ "      password: ${REDIS_PASSWORD}";
			case PERMISSION_DENIED -> "Grant the Redis user (spring.data.redis.username) the keys, channels and "
					+ "commands distlock uses, for example:\n\nACL SETUSER <user> "
					+ new RedisKeyspace(Objects.requireNonNullElse(failure.keyPrefix(), RedisKeyspace.DEFAULT_PREFIX))
						.minimalAclRules()
					+ "\n\n" + "or set distlock.redis.key-prefix to a prefix the user may already use.";
			case UNREACHABLE -> "Check spring.data.redis.host and spring.data.redis.port (or spring.data.redis.url, or "
					+ "the sentinel/cluster nodes) and that Redis is running and reachable: distlock connects when the "
					+ "application starts." + START_WITHOUT_SERVER;
		};
	}

	private static String etcdAction(EtcdStartupException failure) {
		return switch (failure.problem()) {
			case NO_ENDPOINTS -> "Set the etcd client URLs in application.yml:\n\n" + ETCD_ENDPOINTS
					+ "\n\nor define a bean of type io.etcd.jetcd.Client.";
			case INVALID_ENDPOINTS -> "Write each endpoint as a URL with scheme, host and port:\n\n" + ETCD_ENDPOINTS;
			case INCOMPLETE_CREDENTIALS ->
				"Set both, or neither when etcd authentication is off:\n\n" + etcdCredentials(failure.user());
			case INCOMPLETE_CLIENT_CERTIFICATE, TLS_UNUSABLE -> ETCD_TLS;
			case CREDENTIALS_REFUSED -> "Set the user and password of an etcd user whose role may read and write keys "
					+ "under '" + failure.namespace() + "/':\n\n" + etcdCredentials(failure.user());
			case PERMISSION_DENIED -> "Grant the user's role read and write on the lock namespace, for example:\n\n"
					+ "etcdctl role grant-permission <role> --prefix=true readwrite " + failure.namespace() + "/";
			case UNREACHABLE -> failure.applicationClient()
					? "Check the endpoints of your io.etcd.jetcd.Client bean and that etcd is running."
							+ START_WITHOUT_SERVER
					: "Check that etcd is running and that distlock.etcd.endpoints lists its client URLs:\n\n"
							+ ETCD_ENDPOINTS + START_WITHOUT_SERVER;
		};
	}

	private static String etcdCredentials(@Nullable String user) {
		return "distlock:\n  etcd:\n    user: " + ((user != null) ? user : "app") + "\n    password: ${ETCD_PASSWORD}";
	}

	private static String zookeeperAction(ZooKeeperStartupException failure) {
		String basePath = failure.basePath();
		return switch (failure.problem()) {
			case SEVERAL_CLIENTS -> "Mark the CuratorFramework bean distlock should use with @Primary.";
			case PROPERTIES_BESIDE_CLIENT -> "Remove distlock.zookeeper.connect-string and distlock.zookeeper.auth.* "
					+ "from application.yml and configure the connection and credentials on your CuratorFramework bean "
					+ "(CuratorFrameworkFactory.builder().authorization(\"digest\", ...).aclProvider(...)), "
					+ "or remove the bean so that distlock builds its own client.";
			case CLIENT_NOT_STARTED -> "Start it when it is created, for example with @Bean(initMethod = \"start\", "
					+ "destroyMethod = \"close\"); distlock neither starts nor closes a client it did not build.";
			case NO_CONNECTION -> "Name the ZooKeeper servers in application.yml:\n\n" + ZOOKEEPER_CONNECT
					+ "\n\nor define a started CuratorFramework bean.";
			case INCOMPLETE_CREDENTIALS -> "Set both in application.yml:\n\n" + ZOOKEEPER_AUTH;
			case NOT_AUTHORIZED -> failure.ownClient()
					? "The nodes under " + basePath + " belong to another ZooKeeper identity. Set the digest "
							+ "credentials they were created with:\n\n" + ZOOKEEPER_AUTH + "\n\nor give distlock a "
							+ "base path of its own with distlock.zookeeper.base-path."
					: "Give your CuratorFramework bean the credentials that own " + basePath
							+ " (CuratorFrameworkFactory.builder().authorization(\"digest\", ...)), or give "
							+ "distlock a base path of its own with distlock.zookeeper.base-path.";
			case SERVER_REFUSED -> "Check the ZooKeeper server's log and the ACLs of " + basePath
					+ ", or choose another path with distlock.zookeeper.base-path.";
			case UNREACHABLE -> failure.ownClient()
					? "Check that ZooKeeper runs and that distlock.zookeeper.connect-string names it:\n\n"
							+ ZOOKEEPER_CONNECT + "\n\nor allow more time with distlock.zookeeper.connection-timeout."
							+ START_WITHOUT_SERVER
					: "Check that ZooKeeper runs at the address your CuratorFramework bean is built with."
							+ START_WITHOUT_SERVER;
			case INTERRUPTED -> "Start the application again.";
		};
	}

	private static String consulAction(ConsulStartupException failure) {
		return switch (failure.problem()) {
			case DISABLED -> "Enable Spring Cloud Consul in application.yml:\n\nspring:\n  cloud:\n    consul:\n"
					+ "      enabled: true\n      host: localhost\n      port: 8500\n\n"
					+ "or choose another backend in distlock.backend.";
			case INVALID_SETTINGS -> "Correct it in application.yml, for example:\n\ndistlock:\n  consul:\n"
					+ "    key-prefix: distlock\n    lock-delay: 15s   # from 0s to 60s";
			case UNSUPPORTED_DEFAULT_TTL ->
				"Set a ttl Consul accepts in application.yml, for example:\n\n" + "distlock:\n  default-ttl: 30s";
			case DISCOVERY_MISSING ->
				"Add it to your pom.xml:\n\n" + BackendType.CONSUL.dependency() + "\n\nor " + WITHOUT_SERVICE_CHECK;
			case SERVICE_HAS_NO_CHECK ->
				"Remove spring.cloud.consul.discovery.register-health-check: false, or " + WITHOUT_SERVICE_CHECK;
			case NOT_REGISTERED -> "Let Spring Cloud Consul register the application "
					+ "(spring.cloud.consul.discovery.enabled and spring.cloud.consul.discovery.register, both true by "
					+ "default), or " + WITHOUT_SERVICE_CHECK;
			case TOKEN_REFUSED -> "Give distlock a token whose policy lets it create sessions and write its keys:\n\n"
					+ "key_prefix \"" + failure.keyPrefix() + "/\" {\n  policy = \"write\"\n}\n"
					+ "session_prefix \"\" {\n  policy = \"write\"\n}\n\n"
					+ "and set it where Spring Cloud Consul reads it, in application.yml:\n\n"
					+ "spring:\n  cloud:\n    consul:\n      token: <the token's secret ID>\n\n"
					+ "(or distlock.consul.acl-token for a token of distlock's own).";
			case UNREACHABLE ->
				"Start a Consul agent there, or point Spring Cloud Consul at one in application.yml:\n\n"
						+ "spring:\n  cloud:\n    consul:\n      host: localhost\n      port: 8500\n\n"
						+ "To start without Consul and fail at the first lock instead, set "
						+ "distlock.verify-on-startup: false (or distlock.consul.verify-on-startup: false).";
			case CHECK_REFUSED, CHECK_FAILED -> failure.checks().isEmpty()
					? "Make sure the agent has a cluster leader and accepts sessions."
					: "Register the health checks named in distlock.consul.checks " + failure.checks()
							+ " on the local Consul agent and make them pass, or correct that list in application.yml.";
		};
	}

}
