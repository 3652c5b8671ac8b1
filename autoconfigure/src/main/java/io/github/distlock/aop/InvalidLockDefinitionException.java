package io.github.distlock.aop;

import java.lang.reflect.Method;

import io.github.distlock.DistributedLockException;
import org.springframework.util.ClassUtils;

/**
 * A {@link io.github.distlock.DistributedLock} annotation cannot work as written; raised
 * while the application starts.
 */
public class InvalidLockDefinitionException extends DistributedLockException {

	private static final long serialVersionUID = 1L;

	private final String method;

	private final String action;

	/**
	 * Creates the exception.
	 * @param method the annotated method
	 * @param problem what is wrong
	 * @param action what to write instead
	 */
	public InvalidLockDefinitionException(Method method, String problem, String action) {
		this("@DistributedLock", method, problem, action);
	}

	/**
	 * Creates the exception for another of distlock's method annotations.
	 * @param annotation the annotation as written, such as {@code @LeaderOnly}
	 * @param method the annotated method
	 * @param problem what is wrong
	 * @param action what to write instead
	 */
	public InvalidLockDefinitionException(String annotation, Method method, String problem, String action) {
		super(annotation + " on " + describe(method) + ": " + problem);
		this.method = describe(method);
		this.action = action;
	}

	/**
	 * The method, as {@code Class.method(ParamType, ...)}.
	 */
	public String getMethod() {
		return this.method;
	}

	/**
	 * What to change.
	 */
	public String getAction() {
		return this.action;
	}

	/**
	 * A method as messages name it: {@code Class.method(ParamType, ...)}.
	 */
	public static String describe(Method method) {
		StringBuilder text = new StringBuilder(ClassUtils.getShortName(method.getDeclaringClass())).append('.')
			.append(method.getName())
			.append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			text.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return text.append(')').toString();
	}

}
