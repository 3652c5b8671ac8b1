package io.github.distlock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method while holding a distributed lock.
 *
 * <pre>{@code
 * &#64;DistributedLock(key = "'order:' + #orderId", ttl = "10s", waitTime = "2s")
 * public void pay(long orderId) { ... }
 * }</pre>
 *
 * <p>
 * The lock is acquired before the method runs and released after it returns or throws.
 * When the same method also carries {@code @Transactional}, the lock is released only
 * after the transaction has committed or rolled back. Every attribute is checked when the
 * application starts: an invalid duration, a key expression that does not parse or a
 * missing fallback method fails the startup with a message naming the method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DistributedLock {

	/**
	 * SpEL expression for the lock key, evaluated against the method's arguments
	 * ({@code #name}, {@code #p0}, {@code #a0}; {@code #root.methodName} and
	 * {@code #root.args} are also available). A list or array result is joined
	 * injectively, so {@code {#a, #b}} never collides for different arguments. Type
	 * references, bean references and constructors are not allowed. Empty means the
	 * declaring class name and the method name.
	 */
	String key() default "";

	/**
	 * SpEL expressions for several keys, all locked for the call: they are acquired in
	 * one global order (so two calls locking the same keys in opposite orders cannot
	 * deadlock), a partial acquisition is rolled back, and all are released after the
	 * call. Use either {@link #key()} or this, not both; not for methods returning a
	 * {@code CompletionStage}.
	 */
	String[] keys() default {};

	/**
	 * Name of the lock used as the {@code lock} metric tag; keep it low-cardinality.
	 * Empty means the key expression's text, or the class and method name when there is
	 * no key expression.
	 */
	String name() default "";

	/**
	 * How long the lock survives if this instance crashes, as a duration such as
	 * {@code 10s}, {@code 500ms} or {@code PT1M}; {@code ${...}} placeholders are
	 * resolved. Empty means {@code distlock.default-ttl}.
	 */
	String ttl() default "";

	/**
	 * How long to wait for a busy lock, as a duration ({@code 0s} tries once);
	 * {@code ${...}} placeholders are resolved. Empty means
	 * {@code distlock.default-wait-time}.
	 */
	String waitTime() default "";

	/**
	 * Whether the lease is renewed while the method runs. When {@code false},
	 * {@link #ttl()} is a hard cap: once it has elapsed the lock is given up and reported
	 * lost.
	 */
	boolean autoRenew() default true;

	/**
	 * How long the lock stays held at least after it was acquired, even when the method
	 * returns earlier, as a duration; empty for none. With {@code waitTime = "0s"} and
	 * {@code onNotAcquired = SKIP} on a {@code @Scheduled} method, the job then runs once
	 * per period across instances. Must not exceed {@link #ttl()} when
	 * {@code autoRenew = false}.
	 */
	String holdAtLeast() default "";

	/**
	 * What to do when the lock could not be acquired within {@link #waitTime()}.
	 */
	NotAcquiredAction onNotAcquired() default NotAcquiredAction.THROW;

	/**
	 * Name of a method of the same class with the same parameter types, called instead of
	 * this one when the lock is not acquired; requires
	 * {@code onNotAcquired = NotAcquiredAction.FALLBACK}.
	 */
	String fallback() default "";

}
