package io.github.distlock.it.servers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link RealServersExtension} for a server of the parameter's own, instead of the
 * one shared by the JVM run. Needed for fault controls and for non-default start-up
 * options.
 *
 * <p>
 * The server lives as long as the scope of the parameter: a test method parameter's
 * server is closed after that test (also when it fails); a {@code @BeforeAll} or
 * constructor parameter's server after the test class.
 *
 * <pre>
 * &#64;Test
 * void survivesRestart(&#64;Dedicated RedisServer redis) { redis.restart(); ... }
 *
 * &#64;Test
 * void aclUser(&#64;Dedicated(args = {"--user", "app", "on", "&gt;pw", "~*", "+&#64;all"}) RedisServer redis) { ... }
 *
 * &#64;Test
 * void acl(&#64;Dedicated(config = "acl { enabled = true, default_policy = \"deny\", tokens { master = \"root\" } }")
 *          ConsulServer consul) { ... }
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Dedicated {

	/**
	 * Extra command-line arguments, one {@code argv} entry each; see
	 * {@link ServerOptions#withArgs(String...)}.
	 * @return the arguments
	 */
	String[] args() default {};

	/**
	 * Extra configuration file content (Consul only); see
	 * {@link ServerOptions#withConfig(String)}.
	 * @return HCL or JSON, empty for none
	 */
	String config() default "";

}
