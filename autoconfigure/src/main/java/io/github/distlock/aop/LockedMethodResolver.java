package io.github.distlock.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.github.distlock.DistributedLock;
import io.github.distlock.LockOptions;
import io.github.distlock.NotAcquiredAction;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.BeanReference;
import org.springframework.expression.spel.ast.ConstructorReference;
import org.springframework.expression.spel.ast.TypeReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Parses {@link DistributedLock} annotations into {@link LockedMethod}s, once per method
 * and target class, and rejects at startup whatever could only fail later.
 */
final class LockedMethodResolver {

	private static final String REACTOR_MONO = "reactor.core.publisher.Mono";

	private static final String REACTOR_FLUX = "reactor.core.publisher.Flux";

	// Spring reads a duration without a unit as milliseconds, which nobody means for a
	// lease.
	private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?\\d{1,18}");

	// #p0 and #a0 name arguments by position; #root and #this are SpEL's own.
	private static final Pattern POSITIONAL = Pattern.compile("[pa](\\d+)");

	private final PropertyResolver propertyResolver;

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Map<MethodKey, Optional<LockedMethod>> cache = new ConcurrentHashMap<>();

	private final Set<Class<?>> checkedClasses = ConcurrentHashMap.newKeySet();

	LockedMethodResolver(PropertyResolver propertyResolver) {
		this.propertyResolver = propertyResolver;
	}

	/**
	 * The parsed definition of {@code method} as invoked on {@code targetClass}, or
	 * {@code null} when it carries no {@link DistributedLock}.
	 */
	@Nullable LockedMethod resolve(Method method, @Nullable Class<?> targetClass) {
		return this.cache
			.computeIfAbsent(new MethodKey(method, targetClass),
					(key) -> Optional
						.ofNullable(parse(AopUtils.getMostSpecificMethod(method, targetClass), targetClass)))
			.orElse(null);
	}

	/**
	 * Fails for a {@link DistributedLock} method that no proxy can intercept (private,
	 * final or static), which would otherwise run without its lock and without a word.
	 * @return {@code true}, so that it can sit in a class filter
	 */
	boolean rejectUnproxiable(Class<?> type) {
		if (this.checkedClasses.add(type)) {
			ReflectionUtils.doWithMethods(type, (method) -> {
				int modifiers = method.getModifiers();
				String problem = Modifier.isPrivate(modifiers) ? "private"
						: Modifier.isStatic(modifiers) ? "static" : Modifier.isFinal(modifiers) ? "final" : null;
				if (problem != null && AnnotatedElementUtils.hasAnnotation(method, DistributedLock.class)) {
					throw new InvalidLockDefinitionException(method,
							"the method is " + problem
									+ ", so Spring's proxy cannot intercept it and it would run without its lock",
							"Make it a public (or protected), non-final, non-static method, and call it through the "
									+ "bean rather than on this.");
				}
			}, (method) -> method.getDeclaringClass() != Object.class);
		}
		return true;
	}

	private @Nullable LockedMethod parse(Method method, @Nullable Class<?> targetClass) {
		DistributedLock annotation = AnnotatedElementUtils.findMergedAnnotation(method, DistributedLock.class);
		if (annotation == null) {
			return null;
		}
		String fixedKey = method.getDeclaringClass().getName() + "." + method.getName();
		String[] names = this.parameterNames.getParameterNames(method);
		Expression keyExpression = StringUtils.hasText(annotation.key()) ? parseKey(method, annotation.key(), names)
				: null;
		// Class.method, not the key's SpEL text: a readable, low-cardinality metric tag.
		String name = StringUtils.hasText(annotation.name()) ? annotation.name()
				: ClassUtils.getShortName(method.getDeclaringClass()) + "." + method.getName();
		LockOptions options = LockOptions.defaults().withAutoRenew(annotation.autoRenew()).withName(name);
		Duration ttl = duration(method, "ttl", annotation.ttl());
		if (ttl != null) {
			if (ttl.isZero() || ttl.isNegative()) {
				throw new InvalidLockDefinitionException(method, "ttl '" + annotation.ttl() + "' is not positive",
						"Give ttl a positive duration such as \"10s\", or leave it empty for distlock.default-ttl.");
			}
			options = options.withTtl(ttl);
		}
		Duration waitTime = duration(method, "waitTime", annotation.waitTime());
		if (waitTime != null) {
			if (waitTime.isNegative()) {
				throw new InvalidLockDefinitionException(method, "waitTime '" + annotation.waitTime() + "' is negative",
						"Give waitTime a duration of zero or more such as \"2s\" (\"0s\" tries once).");
			}
			options = options.withWaitTime(waitTime);
		}
		LockedMethod.ReturnKind returnKind = returnKind(method);
		Method fallback = fallback(method, targetClass, annotation);
		if (annotation.onNotAcquired() == NotAcquiredAction.SKIP && method.getReturnType().isPrimitive()
				&& method.getReturnType() != void.class) {
			throw new InvalidLockDefinitionException(method,
					"onNotAcquired = SKIP cannot return null from a method returning " + method.getReturnType(),
					"Use onNotAcquired = THROW or FALLBACK, or return a wrapper type or Optional.");
		}
		return new LockedMethod(method, keyExpression, fixedKey, (names != null) ? names : new String[0], options,
				annotation.onNotAcquired(), fallback, returnKind);
	}

	private Expression parseKey(Method method, String text, String @Nullable [] names) {
		Expression expression;
		try {
			expression = this.parser.parseExpression(text);
		}
		catch (ParseException ex) {
			throw new InvalidLockDefinitionException(method,
					"key expression \"" + text + "\" does not parse: " + ex.getMessage(),
					"Write the key as a SpEL expression over the method's arguments, for example "
							+ "key = \"'order:' + #orderId\" (string literals in single quotes).");
		}
		if (expression instanceof SpelExpression spel) {
			rejectUnsafe(method, text, spel.getAST());
			Set<String> variables = new LinkedHashSet<>();
			collectVariables(spel.getAST(), variables);
			for (String variable : variables) {
				checkVariable(method, text, variable, names);
			}
		}
		return expression;
	}

	private static void collectVariables(SpelNode node, Set<String> variables) {
		if (node instanceof VariableReference) {
			variables.add(node.toStringAST().substring(1));
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			collectVariables(node.getChild(i), variables);
		}
	}

	/**
	 * Rejects a variable that would evaluate to null on every call: a misspelt name, a
	 * position past the last argument, or any name when the class was compiled without
	 * {@code -parameters}.
	 */
	private static void checkVariable(Method method, String text, String variable, String @Nullable [] names) {
		int count = method.getParameterCount();
		if (variable.equals("root") || variable.equals("this")) {
			return;
		}
		var positional = POSITIONAL.matcher(variable);
		if (positional.matches() && positional.group(1).length() < 4 && Integer.parseInt(positional.group(1)) < count) {
			return;
		}
		if (names != null && Arrays.asList(names).contains(variable)) {
			return;
		}
		if (names == null && count > 0 && !positional.matches()) {
			throw new InvalidLockDefinitionException(method,
					"key expression \"" + text + "\" refers to #" + variable + " by parameter name, but "
							+ method.getDeclaringClass().getName() + " was compiled without "
							+ "-parameters: its parameter names are unknown at runtime, so #" + variable
							+ " would be null on every call and all calls would share one lock",
					"Compile with -parameters (the spring-boot-starter-parent does; with a parent of your own, set "
							+ "<parameters>true</parameters> in the maven-compiler-plugin's configuration), or refer "
							+ "to the argument by position: #p0 is the first argument.");
		}
		throw new InvalidLockDefinitionException(method,
				"key expression \"" + text + "\" uses #" + variable + ", which is not a parameter of the method "
						+ "(parameters: " + describeParameters(names, count) + ")",
				"Refer to a parameter by name or position (" + examples(names, count)
						+ "), or to #root.methodName / #root.args.");
	}

	private static String describeParameters(String @Nullable [] names, int count) {
		if (count == 0) {
			return "none";
		}
		return (names != null) ? String.join(", ", names) : count + ", names unknown";
	}

	private static String examples(String @Nullable [] names, int count) {
		List<String> examples = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			examples.add(((names != null) ? "#" + names[i] + " or " : "") + "#p" + i);
		}
		return examples.isEmpty() ? "the method has none" : String.join(", ", examples);
	}

	private void rejectUnsafe(Method method, String text, SpelNode node) {
		String forbidden = (node instanceof TypeReference) ? "a type reference T(...)"
				: (node instanceof ConstructorReference) ? "a constructor call new ..."
						: (node instanceof BeanReference) ? "a bean reference @..." : null;
		if (forbidden != null) {
			throw new InvalidLockDefinitionException(method,
					"key expression \"" + text + "\" contains " + forbidden + ", which lock keys may not use",
					"Build the key from the method's arguments only, for example key = \"'order:' + #order.id\"; "
							+ "compute anything else before calling the method and pass it as an argument.");
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			rejectUnsafe(method, text, node.getChild(i));
		}
	}

	private @Nullable Duration duration(Method method, String attribute, String value) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		String resolved;
		try {
			resolved = this.propertyResolver.resolveRequiredPlaceholders(value).trim();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidLockDefinitionException(method,
					attribute + " \"" + value + "\" has a placeholder that cannot be resolved: " + ex.getMessage(),
					"Define the property in application.yml, or give the placeholder a default such as "
							+ "\"${orders.lock-ttl:10s}\".");
		}
		// A bare zero is zero in every unit.
		if (BARE_NUMBER.matcher(resolved).matches() && Long.parseLong(resolved) != 0) {
			throw new InvalidLockDefinitionException(method,
					attribute + " \"" + value + "\""
							+ (resolved.equals(value) ? "" : " (resolved to \"" + resolved + "\")")
							+ " has no unit: Spring would read it as " + resolved + " milliseconds",
					"Write the unit: " + attribute + " = \"" + resolved + "s\" for seconds, or \"" + resolved
							+ "ms\" if you mean milliseconds.");
		}
		try {
			return DurationStyle.detectAndParse(resolved);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidLockDefinitionException(method, attribute + " \"" + value + "\""
					+ (resolved.equals(value) ? "" : " (resolved to \"" + resolved + "\")") + " is not a duration",
					"Write " + attribute + " as a duration such as \"10s\", \"500ms\", \"2m\" or \"PT1M\".");
		}
	}

	private LockedMethod.ReturnKind returnKind(Method method) {
		Class<?> type = method.getReturnType();
		if (CompletionStage.class.isAssignableFrom(type)) {
			return LockedMethod.ReturnKind.COMPLETION_STAGE;
		}
		if (Optional.class == type) {
			return LockedMethod.ReturnKind.OPTIONAL;
		}
		if (isA(type, REACTOR_MONO)) {
			return LockedMethod.ReturnKind.MONO;
		}
		if (isA(type, REACTOR_FLUX)) {
			return LockedMethod.ReturnKind.FLUX;
		}
		String unsupported = UnholdableReturnTypes.problem(type);
		if (unsupported != null) {
			throw new InvalidLockDefinitionException(method, unsupported, UnholdableReturnTypes.remedy(type));
		}
		return LockedMethod.ReturnKind.SYNC;
	}

	private static boolean isA(Class<?> type, String className) {
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
			if (candidate.getName().equals(className)) {
				return true;
			}
		}
		return false;
	}

	private @Nullable Method fallback(Method method, @Nullable Class<?> targetClass, DistributedLock annotation) {
		boolean named = StringUtils.hasText(annotation.fallback());
		if (annotation.onNotAcquired() != NotAcquiredAction.FALLBACK) {
			if (named) {
				throw new InvalidLockDefinitionException(method,
						"fallback \"" + annotation.fallback() + "\" is set but onNotAcquired is "
								+ annotation.onNotAcquired(),
						"Add onNotAcquired = NotAcquiredAction.FALLBACK, or remove fallback.");
			}
			return null;
		}
		if (!named) {
			throw new InvalidLockDefinitionException(method, "onNotAcquired = FALLBACK names no fallback method",
					"Add fallback = \"methodName\" naming a method of the same class with the same parameters.");
		}
		Class<?> owner = (targetClass != null) ? targetClass : method.getDeclaringClass();
		Method fallback = ReflectionUtils.findMethod(owner, annotation.fallback(), method.getParameterTypes());
		if (fallback == null) {
			throw new InvalidLockDefinitionException(method,
					"fallback method \"" + annotation.fallback() + "\" with the same parameter types was not found in "
							+ owner.getName(),
					"Declare " + annotation.fallback() + " in " + owner.getSimpleName()
							+ " with exactly the parameter types of the locked method.");
		}
		if (!ClassUtils.isAssignable(method.getReturnType(), fallback.getReturnType())
				|| (method.getReturnType() == void.class) != (fallback.getReturnType() == void.class)) {
			throw new InvalidLockDefinitionException(method,
					"fallback method \"" + annotation.fallback() + "\" returns " + fallback.getReturnType().getName()
							+ ", which is not assignable to " + method.getReturnType().getName(),
					"Make the fallback return the locked method's return type.");
		}
		if (Modifier.isStatic(fallback.getModifiers())) {
			throw new InvalidLockDefinitionException(method,
					"fallback method \"" + annotation.fallback() + "\" is static",
					"Make the fallback an instance method of the same bean.");
		}
		ReflectionUtils.makeAccessible(fallback);
		return fallback;
	}

	private record MethodKey(Method method, @Nullable Class<?> targetClass) {
	}

}
