package io.github.distlock.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.util.StringUtils;

/**
 * Explains an invalid {@code distlock.*} property: which property, where it was set, why
 * it is invalid, and the values it accepts. Ordered before Spring Boot's generic binding
 * analyzer.
 */
class InvalidPropertyFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		String name = cause.getName().toString();
		if (!name.equals("distlock") && !name.startsWith("distlock.")) {
			return null;
		}
		ConfigurationProperty property = cause.getProperty();
		Object value = (property != null) ? property.getValue() : null;
		Origin origin = (property != null) ? property.getOrigin() : null;
		Class<?> type = cause.getTarget().getType().resolve();
		StringBuilder description = new StringBuilder("Invalid value");
		if (value != null) {
			description.append(" '").append(value).append("'");
		}
		description.append(" for property '").append(name).append("'");
		if (origin != null) {
			description.append(" (from ").append(origin).append(")");
		}
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

}
