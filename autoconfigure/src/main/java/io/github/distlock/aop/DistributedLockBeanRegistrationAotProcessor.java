package io.github.distlock.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import io.github.distlock.DistributedLock;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Native-image hints for each bean with {@link DistributedLock} methods: the class's
 * methods (the advisor inspects them at startup), the fallback methods it invokes
 * reflectively, and the argument types of the locked methods, whose properties and
 * methods key expressions read through SpEL's reflection.
 */
final class DistributedLockBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = registeredBean.getBeanClass();
		List<Method> locked = new ArrayList<>();
		ReflectionUtils.doWithMethods(beanClass, locked::add,
				(method) -> AnnotatedElementUtils.hasAnnotation(method, DistributedLock.class));
		if (locked.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			for (Class<?> type = beanClass; type != null && type != Object.class; type = type.getSuperclass()) {
				reflection.registerType(type, MemberCategory.INVOKE_DECLARED_METHODS);
			}
			for (Method method : locked) {
				register(reflection, beanClass, method);
			}
		};
	}

	private static void register(ReflectionHints reflection, Class<?> beanClass, Method method) {
		DistributedLock annotation = AnnotatedElementUtils.findMergedAnnotation(method, DistributedLock.class);
		if (annotation != null && StringUtils.hasText(annotation.fallback())) {
			Method fallback = ReflectionUtils.findMethod(beanClass, annotation.fallback(), method.getParameterTypes());
			if (fallback != null) {
				reflection.registerMethod(fallback, ExecutableMode.INVOKE);
			}
		}
		for (Class<?> parameter : method.getParameterTypes()) {
			if (!parameter.isPrimitive() && !parameter.getName().startsWith("java.")) {
				reflection.registerType(parameter, MemberCategory.INVOKE_PUBLIC_METHODS);
			}
		}
	}

}
