package io.github.distlock.it.servers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Chooses the etcd version of the {@link EtcdServer} parameters that
 * {@link RealServersExtension} resolves in the annotated test class (and its subclasses);
 * without it they get etcd 3.5. Combines with {@link Dedicated}.
 *
 * <pre>
 * &#64;EtcdVersion("3.4")
 * class OnOldEtcdIT extends EtcdTestsIT { ... }
 * </pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EtcdVersion {

	/**
	 * The major.minor version.
	 * @return {@code "3.5"} or {@code "3.4"}
	 */
	String value();

}
