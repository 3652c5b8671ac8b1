package io.github.distlock.aop;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import io.github.distlock.DistributedLock;
import io.github.distlock.core.LockRunner;
import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.PropertyResolver;

/**
 * Applies the lock to every {@link DistributedLock} method. Give it an order lower than
 * the transaction advisor's so that the lock is taken before the transaction begins and
 * released after it ends.
 *
 * <p>
 * Annotations are parsed when the proxy is created, so a wrong duration, key expression
 * or fallback fails the application's startup rather than the first call.
 */
public final class DistributedLockAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	private final transient LockedMethodResolver resolver;

	private final transient DistributedLockInterceptor interceptor;

	private final transient Pointcut pointcut;

	/**
	 * Creates the advisor.
	 * @param propertyResolver resolves {@code ${...}} placeholders in ttl and waitTime
	 * @param locks supplies the generic layer at the first call, so the advisor does not
	 * force the backend's creation while proxies are being built
	 * @param order this advisor's order
	 */
	public DistributedLockAdvisor(PropertyResolver propertyResolver, Supplier<? extends LockRunner> locks, int order) {
		this.resolver = new LockedMethodResolver(propertyResolver);
		this.interceptor = new DistributedLockInterceptor(this.resolver, locks);
		this.pointcut = new LockedMethodPointcut(this.resolver);
		setOrder(order);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	private static final class LockedMethodPointcut extends StaticMethodMatcherPointcut {

		private final LockedMethodResolver resolver;

		LockedMethodPointcut(LockedMethodResolver resolver) {
			this.resolver = resolver;
			setClassFilter((type) -> AnnotationUtils.isCandidateClass(type, DistributedLock.class)
					&& resolver.rejectUnproxiable(type));
		}

		@Override
		public boolean matches(Method method, @Nullable Class<?> targetClass) {
			Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
			return AnnotatedElementUtils.hasAnnotation(specific, DistributedLock.class)
					&& this.resolver.resolve(method, targetClass) != null;
		}

	}

}
