package io.github.distlock.it.servers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Chooses the etcd version of an {@link EtcdServer} parameter resolved by
 * {@link RealServersExtension}; without it the parameter gets etcd 3.5. Combines with
 * {@link Dedicated}. On a test class or method, it applies to every {@link EtcdServer} parameter
 * there that has no annotation of its own.
 *
 * <pre>
 * &#64;Test
 * void onOldEtcd(&#64;EtcdVersion("3.4") EtcdServer etcd) { ... }
 * </pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface EtcdVersion {

    /**
     * The major.minor version.
     *
     * @return {@code "3.5"} or {@code "3.4"}
     */
    String value();
}
