package io.github.distlock.aop;

import java.lang.reflect.Method;
import java.util.List;

import io.github.distlock.DistributedLock;
import io.github.distlock.NotAcquiredAction;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native-image hints of the aspect and of key evaluation, registered through
 * {@code META-INF/spring/aot.factories}.
 */
class DistributedLockRuntimeHintsTests {

	@Test
	void theAnnotationAndTheKeyRootAreReflective() {
		RuntimeHints hints = registeredHints();
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(DistributedLock.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(LockKeyRoot.class, "getMethodName"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(LockKeyRoot.class, "getArgs")).accepts(hints);
	}

	@Test
	void aLockedBeanGetsItsMethodsItsFallbackAndItsKeyArgumentTypes() throws Exception {
		RuntimeHints hints = contribute(Payments.class);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(Payments.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).accepts(hints);
		Method fallback = Payments.class.getMethod("later", Order.class, String.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(fallback)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Order.class, "id")).as("#order.id")
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(String.class)).as("JDK types need no hint")
			.rejects(hints);
	}

	@Test
	void aBeanWithoutLockedMethodsContributesNothing() {
		assertThat(processor().processAheadOfTime(registered(String.class))).isNull();
	}

	private static RuntimeHints registeredHints() {
		RuntimeHints hints = new RuntimeHints();
		List<RuntimeHintsRegistrar> registrars = AotServices.factories().load(RuntimeHintsRegistrar.class).asList();
		assertThat(registrars).hasAtLeastOneElementOfType(DistributedLockRuntimeHints.class);
		registrars.forEach(
				(registrar) -> registrar.registerHints(hints, DistributedLockRuntimeHintsTests.class.getClassLoader()));
		return hints;
	}

	private static RuntimeHints contribute(Class<?> beanClass) {
		BeanRegistrationAotContribution contribution = processor().processAheadOfTime(registered(beanClass));
		assertThat(contribution).isNotNull();
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "App")), new InMemoryGeneratedFiles());
		contribution.applyTo(generation, null);
		return generation.getRuntimeHints();
	}

	private static BeanRegistrationAotProcessor processor() {
		return AotServices.factories()
			.load(BeanRegistrationAotProcessor.class)
			.asList()
			.stream()
			.filter(DistributedLockBeanRegistrationAotProcessor.class::isInstance)
			.findFirst()
			.orElseThrow();
	}

	private static RegisteredBean registered(Class<?> beanClass) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(beanClass));
		return RegisteredBean.of(beanFactory, "bean");
	}

	public record Order(long id) {
	}

	public static class Payments {

		@DistributedLock(key = "'order:' + #order.id", onNotAcquired = NotAcquiredAction.FALLBACK, fallback = "later")
		public String pay(Order order, String note) {
			return "paid";
		}

		public String later(Order order, String note) {
			return "later";
		}

	}

}
