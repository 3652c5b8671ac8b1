package io.github.distlock.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The lock servers distlock speaks to, as chosen with {@code distlock.backend}.
 */
public enum BackendType {

	/** Redis through Spring Data Redis (Lettuce). */
	REDIS("the Redis client", """
			<dependency>
			  <groupId>org.springframework.boot</groupId>
			  <artifactId>spring-boot-starter-data-redis</artifactId>
			</dependency>"""),

	/** etcd v3 through jetcd. */
	ETCD("the etcd client jetcd", """
			<dependency>
			  <groupId>io.etcd</groupId>
			  <artifactId>jetcd-core</artifactId>
			</dependency>"""),

	/** ZooKeeper through Apache Curator. */
	ZOOKEEPER("the ZooKeeper client Apache Curator", """
			<dependency>
			  <groupId>org.apache.curator</groupId>
			  <artifactId>curator-recipes</artifactId>
			</dependency>"""),

	/** Consul through its HTTP API, configured like Spring Cloud Consul. */
	CONSUL("Spring Cloud Consul", """
			<dependency>
			  <groupId>org.springframework.cloud</groupId>
			  <artifactId>spring-cloud-starter-consul-discovery</artifactId>
			</dependency>"""),

	/** In-JVM locks: not distributed, for tests, demos and single instances. */
	LOCAL("nothing: it is built in", null);

	private final String client;

	private final @Nullable String dependency;

	BackendType(String client, @Nullable String dependency) {
		this.client = client;
		this.dependency = dependency;
	}

	/**
	 * The value to write in {@code distlock.backend}.
	 */
	public String propertyValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * What the backend needs on the classpath, in words.
	 */
	public String client() {
		return this.client;
	}

	/**
	 * The pom dependency that brings the client, or {@code null} for the built-in
	 * backend.
	 */
	public @Nullable String dependency() {
		return this.dependency;
	}

	/**
	 * All property values, comma-separated, for messages.
	 */
	public static String propertyValues() {
		return Arrays.stream(values()).map(BackendType::propertyValue).collect(Collectors.joining(", "));
	}

}
