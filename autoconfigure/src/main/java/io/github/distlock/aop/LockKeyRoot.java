package io.github.distlock.aop;

import java.lang.reflect.Method;

/**
 * The root object of key expressions: {@code #root.methodName} and {@code #root.args}.
 * The target bean is deliberately not exposed, so a key cannot call into application
 * code.
 */
public final class LockKeyRoot {

	private final Method method;

	private final Object[] args;

	LockKeyRoot(Method method, Object[] args) {
		this.method = method;
		this.args = args;
	}

	/**
	 * The name of the locked method.
	 */
	public String getMethodName() {
		return this.method.getName();
	}

	/**
	 * The arguments of this call.
	 */
	public Object[] getArgs() {
		return this.args;
	}

}
