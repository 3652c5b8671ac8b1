package io.github.distlock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method only while this instance leads the named role, and skips it
 * otherwise: it then returns {@code null}, an empty {@code Optional} or a completed
 * {@code CompletableFuture}, like {@code onNotAcquired = SKIP}. Typical on
 * {@code @Scheduled} methods that one instance of a cluster must run.
 *
 * <pre>{@code
 * &#64;LeaderOnly("billing")
 * &#64;Scheduled(fixedRate = 10_000)
 * public void chargeDueInvoices() { ... }
 * }</pre>
 *
 * <p>
 * Every role named here is campaigned for from startup (see {@link Leadership}). The
 * check is local and made once, when the method is called: a method that runs long should
 * check {@link Leadership#isLeader(String)} again, or pass
 * {@link Leadership#fencingToken(String)} to the resources it writes to.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {

	/**
	 * The role, such as {@code "billing"}; instances that name the same role compete for
	 * it.
	 */
	String value();

}
