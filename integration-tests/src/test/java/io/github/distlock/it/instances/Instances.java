package io.github.distlock.it.instances;

import io.github.distlock.it.servers.RedisServer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Builds application instances on a Redis server: each one a Spring context of its own,
 * with its own lock template, as two JVMs would have.
 */
public final class Instances {

	private Instances() {
	}

	/**
	 * An instance of {@code application} on {@code redis}; {@code keyPrefix} keeps its
	 * locks apart from other tests' on the shared server.
	 */
	public static SpringApplicationBuilder on(RedisServer redis, String keyPrefix, Class<?> application) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties(properties(redis.host(), redis.port(), keyPrefix));
	}

	/**
	 * The properties of an instance, as {@code name=value}.
	 */
	static String[] properties(String host, int port, String keyPrefix) {
		return new String[] { "spring.main.banner-mode=off", "distlock.backend=redis", "spring.data.redis.host=" + host,
				"spring.data.redis.port=" + port, "spring.data.redis.timeout=5s",
				"distlock.redis.key-prefix=" + keyPrefix, "logging.level.root=WARN",
				"logging.level.io.github.distlock=INFO" };
	}

}
