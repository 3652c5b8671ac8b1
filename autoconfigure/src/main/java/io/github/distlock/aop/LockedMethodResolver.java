package io.github.distlock.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

	private static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

	private final PropertyResolver propertyResolver;

	private final KeyExpressionParser keyParser = new KeyExpressionParser();

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Map<MethodKey, Optional<LockedMethod>> cache = new ConcurrentHashMap<>();

	private final UnproxiableMethods unproxiable = new UnproxiableMethods(DistributedLock.class,
			"it would run without its lock");

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
		return this.unproxiable.reject(type);
	}

	private @Nullable LockedMethod parse(Method method, @Nullable Class<?> targetClass) {
		DistributedLock annotation = AnnotatedElementUtils.findMergedAnnotation(method, DistributedLock.class);
		if (annotation == null) {
			return null;
		}
		String fixedKey = method.getDeclaringClass().getName() + "." + method.getName();
		String[] names = this.parameterNames.getParameterNames(method);
		Expression keyExpression = StringUtils.hasText(annotation.key())
				? this.keyParser.parse(method, annotation.key(), names) : null;
		List<Expression> keyExpressions = keys(method, annotation, names);
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
		Duration holdAtLeast = duration(method, "holdAtLeast", annotation.holdAtLeast());
		if (holdAtLeast != null) {
			checkHoldAtLeast(method, annotation, holdAtLeast, (ttl != null) ? ttl : defaultTtl());
			options = options.withHoldAtLeast(holdAtLeast);
		}
		LockedMethod.ReturnKind returnKind = returnKind(method);
		if (!keyExpressions.isEmpty() && (returnKind == LockedMethod.ReturnKind.COMPLETION_STAGE
				|| returnKind == LockedMethod.ReturnKind.MONO || returnKind == LockedMethod.ReturnKind.FLUX)) {
			throw new InvalidLockDefinitionException(method,
					"keys (several locks) is not supported on a method returning "
							+ method.getReturnType().getSimpleName(),
					"Lock the keys around the asynchronous work with LockTemplate.acquireAll, or lock one key.");
		}
		Method fallback = fallback(method, targetClass, annotation);
		if (annotation.onNotAcquired() == NotAcquiredAction.SKIP && method.getReturnType().isPrimitive()
				&& method.getReturnType() != void.class) {
			throw new InvalidLockDefinitionException(method,
					"onNotAcquired = SKIP cannot return null from a method returning " + method.getReturnType(),
					"Use onNotAcquired = THROW or FALLBACK, or return a wrapper type or Optional.");
		}
		return new LockedMethod(method, keyExpression, fixedKey, (names != null) ? names : new String[0], options,
				annotation.onNotAcquired(), fallback, returnKind, keyExpressions);
	}

	private List<Expression> keys(Method method, DistributedLock annotation, String @Nullable [] names) {
		if (annotation.keys().length == 0) {
			return List.of();
		}
		if (StringUtils.hasText(annotation.key())) {
			throw new InvalidLockDefinitionException(method, "both key and keys are set",
					"Write key = \"...\" for one lock, or keys = {\"...\", \"...\"} for several locks taken "
							+ "together; to lock one key made of several values, write key = \"{#a, #b}\".");
		}
		List<Expression> expressions = new ArrayList<>();
		for (String text : annotation.keys()) {
			if (!StringUtils.hasText(text)) {
				throw new InvalidLockDefinitionException(method, "keys contains an empty expression",
						"Give every entry of keys an expression, for example keys = {\"'acct:' + #from\", "
								+ "\"'acct:' + #to\"}.");
			}
			expressions.add(this.keyParser.parse(method, text, names));
		}
		return List.copyOf(expressions);
	}

	private void checkHoldAtLeast(Method method, DistributedLock annotation, Duration holdAtLeast, Duration ttl) {
		if (holdAtLeast.isNegative()) {
			throw new InvalidLockDefinitionException(method,
					"holdAtLeast '" + annotation.holdAtLeast() + "' is negative",
					"Give holdAtLeast a duration of zero or more such as \"50s\", or leave it empty.");
		}
		if (!annotation.autoRenew() && holdAtLeast.compareTo(ttl) > 0) {
			throw new InvalidLockDefinitionException(method,
					"holdAtLeast \"" + annotation.holdAtLeast() + "\" is longer than the ttl ("
							+ (StringUtils.hasText(annotation.ttl()) ? "\"" + annotation.ttl() + "\""
									: "distlock.default-ttl, " + ttl)
							+ ") and autoRenew is false, so the lock would expire before holdAtLeast ends",
					"Set ttl to at least holdAtLeast, for example ttl = \"" + annotation.holdAtLeast()
							+ "\", or remove autoRenew = false so that the lock is renewed until holdAtLeast ends.");
		}
	}

	private Duration defaultTtl() {
		String configured = this.propertyResolver.getProperty("distlock.default-ttl");
		return StringUtils.hasText(configured) ? DurationStyle.detectAndParse(configured.trim()) : DEFAULT_TTL;
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
