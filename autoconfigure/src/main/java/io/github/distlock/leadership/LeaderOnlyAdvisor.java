package io.github.distlock.leadership;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.distlock.LeaderOnly;
import io.github.distlock.Leadership;
import io.github.distlock.aop.InvalidLockDefinitionException;
import io.github.distlock.aop.UnproxiableMethods;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Runs {@link LeaderOnly} methods only while this instance leads their role, and records
 * the roles it finds so that they are campaigned for from startup. Annotations are
 * checked when the proxy is created: an empty role, a primitive return type (which cannot
 * be skipped) or a method no proxy can intercept fails the startup.
 */
public final class LeaderOnlyAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	private static final String REACTIVE_PUBLISHER = "org.reactivestreams.Publisher";

	private final transient Map<Method, String> roles = new ConcurrentHashMap<>();

	private final transient UnproxiableMethods unproxiable = new UnproxiableMethods(LeaderOnly.class,
			"it would run on every instance");

	private final transient Supplier<? extends Leadership> leadership;

	private final transient Pointcut pointcut = new LeaderOnlyPointcut();

	private final transient Advice interceptor = (MethodInterceptor) this::invoke;

	/**
	 * Creates the advisor.
	 * @param leadership supplies the leadership bean at the first call
	 * @param order this advisor's order
	 */
	public LeaderOnlyAdvisor(Supplier<? extends Leadership> leadership, int order) {
		this.leadership = leadership;
		setOrder(order);
	}

	/**
	 * The roles named by the {@code @LeaderOnly} methods proxied so far.
	 */
	public Set<String> roles() {
		return new TreeSet<>(this.roles.values());
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	private @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(),
				(target != null) ? AopUtils.getTargetClass(target) : null);
		String role = this.roles.computeIfAbsent(method, LeaderOnlyAdvisor::role);
		Leadership leadership = this.leadership.get();
		if (leadership instanceof LeadershipCampaigner campaigner) {
			campaigner.campaignFor(role);
		}
		if (leadership.isLeader(role)) {
			return invocation.proceed();
		}
		Class<?> type = method.getReturnType();
		if (Optional.class == type) {
			return Optional.empty();
		}
		return CompletionStage.class.isAssignableFrom(type) ? CompletableFuture.completedFuture(null) : null;
	}

	private static String role(Method method) {
		LeaderOnly annotation = AnnotatedElementUtils.findMergedAnnotation(method, LeaderOnly.class);
		if (annotation == null) {
			throw new IllegalStateException("No @LeaderOnly on " + method);
		}
		if (!StringUtils.hasText(annotation.value())) {
			throw new InvalidLockDefinitionException("@LeaderOnly", method, "the role is empty",
					"Name the role, for example @LeaderOnly(\"billing\"); instances naming the same role compete "
							+ "for it.");
		}
		Class<?> type = method.getReturnType();
		if (type.isPrimitive() && type != void.class) {
			throw new InvalidLockDefinitionException("@LeaderOnly", method,
					"a method returning " + type + " cannot be skipped on the instances that do not lead",
					"Return void, a wrapper type or Optional, so that a skipped call returns null or empty.");
		}
		if (ClassUtils.isPresent(REACTIVE_PUBLISHER, method.getDeclaringClass().getClassLoader())
				&& ClassUtils.resolveClassName(REACTIVE_PUBLISHER, method.getDeclaringClass().getClassLoader())
					.isAssignableFrom(type)) {
			throw new InvalidLockDefinitionException("@LeaderOnly", method,
					"reactive return type " + type.getSimpleName() + " is not supported yet",
					"Check Leadership.isLeader(role) inside the pipeline, or return a CompletionStage.");
		}
		return annotation.value().strip();
	}

	private final class LeaderOnlyPointcut extends StaticMethodMatcherPointcut {

		LeaderOnlyPointcut() {
			setClassFilter((type) -> AnnotationUtils.isCandidateClass(type, LeaderOnly.class)
					&& LeaderOnlyAdvisor.this.unproxiable.reject(type));
		}

		@Override
		public boolean matches(Method method, @Nullable Class<?> targetClass) {
			Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
			if (!AnnotatedElementUtils.hasAnnotation(specific, LeaderOnly.class)) {
				return false;
			}
			LeaderOnlyAdvisor.this.roles.computeIfAbsent(specific, LeaderOnlyAdvisor::role);
			return true;
		}

	}

}
