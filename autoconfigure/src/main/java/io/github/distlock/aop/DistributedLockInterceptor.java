package io.github.distlock.aop;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.github.distlock.InvalidLockKeyException;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.LockRunner;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

/**
 * Runs {@link io.github.distlock.DistributedLock} methods under their lock.
 */
final class DistributedLockInterceptor implements MethodInterceptor {

	private final LockedMethodResolver resolver;

	private final Supplier<? extends LockRunner> locks;

	DistributedLockInterceptor(LockedMethodResolver resolver, Supplier<? extends LockRunner> locks) {
		this.resolver = resolver;
		this.locks = locks;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
		LockedMethod locked = this.resolver.resolve(invocation.getMethod(), targetClass);
		if (locked == null) {
			return invocation.proceed();
		}
		if (!locked.keyExpressions().isEmpty()) {
			return invokeWithKeys(locked, invocation);
		}
		Object key = evaluateKey(locked, invocation.getArguments());
		LockRunner locks = this.locks.get();
		// Only a key the lock layer rejects is described as this method's; the method's
		// own exceptions pass.
		boolean[] keyAccepted = { false };
		try {
			if (locked.returnKind() == LockedMethod.ReturnKind.COMPLETION_STAGE) {
				return locks.runAsync(key, locked.options(), () -> {
					keyAccepted[0] = true;
					return (CompletionStage<?>) invocation.proceed();
				}, locked.method().getReturnType(), InvalidLockDefinitionException.describe(locked.method()),
						(waitTime) -> {
							keyAccepted[0] = true;
							return notAcquired(locked, invocation, key, waitTime);
						});
			}
			if (locked.returnKind() == LockedMethod.ReturnKind.MONO
					|| locked.returnKind() == LockedMethod.ReturnKind.FLUX) {
				// The method runs once per subscription, inside that subscription's hold.
				return locks.runReactive(key, locked.options(), () -> {
					keyAccepted[0] = true;
					return proceedAgain(invocation);
				}, locked.returnKind() == LockedMethod.ReturnKind.MONO,
						(waitTime) -> notAcquired(locked, invocation, key, waitTime));
			}
			return locks.run(key, locked.options(), () -> {
				keyAccepted[0] = true;
				return invocation.proceed();
			}, (waitTime) -> {
				keyAccepted[0] = true;
				return notAcquired(locked, invocation, key, waitTime);
			});
		}
		catch (InvalidLockKeyException ex) {
			if (keyAccepted[0]) {
				throw ex;
			}
			throw new InvalidLockKeyException(describe(locked) + ex.getMessage());
		}
	}

	/**
	 * Proceeds with a copy of the invocation, so that every subscription runs the rest of
	 * the advice chain and the method.
	 */
	private static @Nullable Object proceedAgain(MethodInvocation invocation) throws Throwable {
		return (invocation instanceof ProxyMethodInvocation proxied) ? proxied.invocableClone().proceed()
				: invocation.proceed();
	}

	/**
	 * Runs a method with {@code keys = {...}} under all its locks. A key the lock layer
	 * rejects is reported by {@link io.github.distlock.core.LockKeys} with its value.
	 */
	private @Nullable Object invokeWithKeys(LockedMethod locked, MethodInvocation invocation) throws Throwable {
		List<Object> keys = new ArrayList<>();
		for (Expression expression : locked.keyExpressions()) {
			keys.add(evaluate(locked, expression, invocation.getArguments()));
		}
		return this.locks.get()
			.runAll(keys, locked.options(), invocation::proceed,
					(waitTime) -> notAcquired(locked, invocation, keys, waitTime));
	}

	private Object evaluateKey(LockedMethod locked, Object[] args) {
		if (locked.keyExpression() == null) {
			return locked.fixedKey();
		}
		return evaluate(locked, locked.keyExpression(), args);
	}

	private Object evaluate(LockedMethod locked, Expression expression, Object[] args) {
		SimpleEvaluationContext context = SimpleEvaluationContext.forReadOnlyDataBinding()
			.withInstanceMethods()
			.withRootObject(new LockKeyRoot(locked.method(), args))
			.build();
		String[] names = locked.parameterNames();
		for (int i = 0; i < args.length; i++) {
			if (i < names.length) {
				context.setVariable(names[i], args[i]);
			}
			context.setVariable("p" + i, args[i]);
			context.setVariable("a" + i, args[i]);
		}
		try {
			Object value = expression.getValue(context);
			if (value == null) {
				throw new InvalidLockKeyException(
						describe(locked, expression) + "it evaluated to null; make it yield a non-empty "
								+ "value for every call (check for null arguments)");
			}
			return value;
		}
		catch (EvaluationException ex) {
			throw new InvalidLockKeyException(describe(locked, expression) + "evaluating it failed: " + ex.getMessage()
					+ ". Refer to arguments by name (#orderId; compile with -parameters) or position (#p0), and only "
					+ "to their properties and methods");
		}
	}

	private static String describe(LockedMethod locked, Expression expression) {
		return "Lock key \"" + expression.getExpressionString() + "\" of "
				+ InvalidLockDefinitionException.describe(locked.method()) + ": ";
	}

	private static String describe(LockedMethod locked) {
		String expression = (locked.keyExpression() != null) ? locked.keyExpression().getExpressionString()
				: locked.fixedKey();
		return "Lock key \"" + expression + "\" of " + InvalidLockDefinitionException.describe(locked.method()) + ": ";
	}

	private @Nullable Object notAcquired(LockedMethod locked, MethodInvocation invocation, Object key,
			Duration waitTime) throws Throwable {
		switch (locked.notAcquired()) {
			case SKIP:
				return switch (locked.returnKind()) {
					case OPTIONAL -> Optional.empty();
					case COMPLETION_STAGE -> CompletableFuture.completedFuture(null);
					// The reactive holds make this an empty Mono or Flux.
					case SYNC, MONO, FLUX -> null;
				};
			case FALLBACK:
				try {
					return locked.fallback().invoke(invocation.getThis(), invocation.getArguments());
				}
				catch (InvocationTargetException ex) {
					throw ex.getTargetException();
				}
			default:
				throw new LockNotAcquiredException(LockKeys.display(key), waitTime);
		}
	}

}
