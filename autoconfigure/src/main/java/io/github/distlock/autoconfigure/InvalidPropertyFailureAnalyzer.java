package io.github.distlock.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Explains an invalid {@code distlock.*} property: which property, where it was set, why
 * it is invalid, and the values it accepts. Ordered before Spring Boot's generic binding
 * analyzer.
 */
class InvalidPropertyFailureAnalyzer implements FailureAnalyzer, Ordered {

	private final @Nullable Environment environment;

	/**
	 * Creates the analyzer Spring Boot uses, which finds the value and origin of a
	 * property that the binder did not report.
	 */
	public InvalidPropertyFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	InvalidPropertyFailureAnalyzer() {
		this.environment = null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		InvalidPropertyValueException invalid = findCause(failure, InvalidPropertyValueException.class);
		if (invalid != null) {
			return analyze(invalid, findCause(failure, BindException.class), failure);
		}
		BindException bind = findCause(failure, BindException.class);
		return (bind != null) ? analyze(bind) : null;
	}

	private FailureAnalysis analyze(InvalidPropertyValueException invalid, @Nullable BindException bind,
			Throwable failure) {
		String name = invalid.getProperty();
		ConfigurationProperty property = (bind != null && bind.getProperty() != null
				&& bind.getProperty().getName().toString().equals(name)) ? bind.getProperty() : lookUp(name);
		Object value = (invalid.getValue() != null) ? invalid.getValue()
				: (property != null) ? property.getValue() : null;
		Origin origin = (property != null) ? property.getOrigin() : null;
		InvalidPropertyValueException unitless = UnitlessDurations.problem(name, value);
		if (unitless != null) {
			// The range check saw milliseconds the user did not mean: the unit is the
			// fix.
			invalid = unitless;
		}
		StringBuilder description = describe(name, value, origin);
		description.append(": ").append(invalid.getMessage());
		String action = "Set " + name + " to " + invalid.getValidValues() + ". For example, in application.yml:\n\n"
				+ yaml(name, invalid.getExample());
		return new FailureAnalysis(description.toString(), action, failure);
	}

	private @Nullable ConfigurationProperty lookUp(String name) {
		if (this.environment == null) {
			return null;
		}
		ConfigurationPropertyName key = ConfigurationPropertyName.of(name);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(key);
			if (property != null) {
				return property;
			}
		}
		return null;
	}

	private static <T extends Throwable> @Nullable T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	private @Nullable FailureAnalysis analyze(BindException cause) {
		String name = cause.getName().toString();
		if (!name.equals("distlock") && !name.startsWith("distlock.")) {
			return null;
		}
		ConfigurationProperty property = cause.getProperty();
		Object value = (property != null) ? property.getValue() : null;
		Origin origin = (property != null) ? property.getOrigin() : null;
		Class<?> type = cause.getTarget().getType().resolve();
		StringBuilder description = describe(name, value, origin);
		String reason = reason(cause);
		if (StringUtils.hasText(reason)) {
			description.append(": ").append(reason);
		}
		return new FailureAnalysis(description.toString(), action(name, type), cause);
	}

	private static @Nullable String reason(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root != failure) ? root.getMessage() : null;
	}

	private static String action(String name, @Nullable Class<?> type) {
		if (type != null && type.isEnum()) {
			String values = Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
				.collect(Collectors.joining(", "));
			return "Set " + name + " to one of: " + values + ". For example, in application.yml:\n\n"
					+ yaml(name, ((Enum<?>) type.getEnumConstants()[0]).name().toLowerCase(Locale.ROOT));
		}
		if (type == Duration.class) {
			return "Set " + name + " to a duration such as 10s, 500ms, 2m or PT1M. For example, in application.yml:\n\n"
					+ yaml(name, "10s");
		}
		return "Correct " + name + " in your application's configuration.";
	}

	private static String yaml(String name, String value) {
		String[] parts = name.split("\\.");
		StringBuilder yaml = new StringBuilder();
		for (int i = 0; i < parts.length; i++) {
			yaml.append("  ".repeat(i)).append(parts[i]).append(':');
			yaml.append((i == parts.length - 1) ? " " + value : "\n");
		}
		return yaml.toString();
	}

	private static StringBuilder describe(String name, @Nullable Object value, @Nullable Origin origin) {
		StringBuilder description = new StringBuilder("Invalid value");
		if (value != null) {
			description.append(" '").append(value).append("'");
		}
		description.append(" for property '").append(name).append("'");
		if (origin != null) {
			description.append(" (from ").append(origin).append(")");
		}
		return description;
	}

}
