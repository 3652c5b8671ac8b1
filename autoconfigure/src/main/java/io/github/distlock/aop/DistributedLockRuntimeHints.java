package io.github.distlock.aop;

import io.github.distlock.DistributedLock;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Native-image hints for the aspect and key evaluation that hold for every application:
 * the annotation's attributes are read reflectively when proxies are created, and key
 * expressions read {@code #root.methodName} and {@code #root.args} through SpEL's
 * reflection. What depends on the application's own locked beans is registered by
 * {@link DistributedLockBeanRegistrationAotProcessor}.
 */
final class DistributedLockRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(DistributedLock.class, MemberCategory.INVOKE_DECLARED_METHODS);
		hints.reflection().registerType(LockKeyRoot.class, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

}
