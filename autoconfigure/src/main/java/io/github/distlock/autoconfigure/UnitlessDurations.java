package io.github.distlock.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Refuses a {@code distlock.*} duration written without a unit: Spring reads
 * {@code default-ttl: 10} as 10 milliseconds, which nobody means for a lease. A bare
 * {@code 0} is allowed, since it is zero in every unit.
 */
final class UnitlessDurations {

	private static final Pattern BARE_NUMBER = Pattern.compile("\\s*[+-]?\\d+\\s*");

	private static final Pattern ZERO = Pattern.compile("\\s*[+-]?0+\\s*");

	/** The properties classes, whose duration fields are read reflectively. */
	static final List<Class<?>> PROPERTIES = List.of(DistlockProperties.class, DistlockRedisProperties.class,
			DistlockEtcdProperties.class, DistlockZooKeeperProperties.class, DistlockConsulProperties.class);

	private static final List<String> NAMES = names();

	private UnitlessDurations() {
	}

	/**
	 * @throws InvalidPropertyValueException for the first duration property written
	 * without a unit
	 */
	static void check(Environment environment) {
		Binder binder = Binder.get(environment);
		for (String name : NAMES) {
			binder.bind(name, String.class).ifBound((value) -> {
				InvalidPropertyValueException problem = problem(name, value);
				if (problem != null) {
					throw problem;
				}
			});
		}
	}

	/**
	 * The problem of {@code value} for property {@code name} if it is a duration written
	 * without a unit; used as well to explain a range error that the missing unit caused
	 * ({@code default-ttl: 10} is 10ms, below the minimum).
	 */
	static @Nullable InvalidPropertyValueException problem(String name, @Nullable Object value) {
		// YAML hands a bare number over as an Integer.
		String text = (value instanceof CharSequence || value instanceof Number) ? value.toString() : null;
		if (text == null || !NAMES.contains(name) || !BARE_NUMBER.matcher(text).matches()
				|| ZERO.matcher(text).matches()) {
			return null;
		}
		String number = text.strip();
		return new InvalidPropertyValueException(name, text,
				name + " has no unit: Spring would read it as " + number + " milliseconds",
				"a duration with its unit: " + number + "s for seconds, or " + number + "ms if you mean milliseconds",
				number + "s");
	}

	/**
	 * The names of every duration property, read from the properties classes so that a
	 * new one cannot be forgotten.
	 */
	static List<String> names() {
		List<String> names = new ArrayList<>();
		for (Class<?> type : PROPERTIES) {
			collect(type.getAnnotation(ConfigurationProperties.class).value(), type, names);
		}
		return List.copyOf(names);
	}

	private static void collect(String prefix, Class<?> type, List<String> names) {
		for (Field field : type.getDeclaredFields()) {
			if (Modifier.isStatic(field.getModifiers())) {
				continue;
			}
			String name = prefix + "." + kebab(field.getName());
			if (field.getType() == Duration.class) {
				names.add(name);
			}
			else if (field.getType().getDeclaringClass() == type) {
				collect(name, field.getType(), names);
			}
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

}
