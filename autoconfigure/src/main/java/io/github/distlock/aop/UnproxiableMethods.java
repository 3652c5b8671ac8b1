package io.github.distlock.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Rejects at startup a method carrying one of distlock's annotations that no proxy can
 * intercept (private, final or static): it would run as if unannotated, without a word.
 */
public final class UnproxiableMethods {

	private final Class<? extends Annotation> annotation;

	private final String consequence;

	private final Set<Class<?>> checkedClasses = ConcurrentHashMap.newKeySet();

	/**
	 * @param annotation the annotation to look for
	 * @param consequence what running without the proxy would mean, for the message
	 */
	public UnproxiableMethods(Class<? extends Annotation> annotation, String consequence) {
		this.annotation = annotation;
		this.consequence = consequence;
	}

	/**
	 * Checks the methods of {@code type}, once per class.
	 * @return {@code true}, so that it can sit in a class filter
	 * @throws InvalidLockDefinitionException naming the first unproxiable method
	 */
	public boolean reject(Class<?> type) {
		if (this.checkedClasses.add(type)) {
			ReflectionUtils.doWithMethods(type, (method) -> {
				int modifiers = method.getModifiers();
				String problem = Modifier.isPrivate(modifiers) ? "private"
						: Modifier.isStatic(modifiers) ? "static" : Modifier.isFinal(modifiers) ? "final" : null;
				if (problem != null && AnnotatedElementUtils.hasAnnotation(method, this.annotation)) {
					throw new InvalidLockDefinitionException("@" + this.annotation.getSimpleName(), method,
							"the method is " + problem + ", so Spring's proxy cannot intercept it and "
									+ this.consequence,
							"Make it a public (or protected), non-final, non-static method, and call it through the "
									+ "bean rather than on this.");
				}
			}, (method) -> method.getDeclaringClass() != Object.class);
		}
		return true;
	}

}
