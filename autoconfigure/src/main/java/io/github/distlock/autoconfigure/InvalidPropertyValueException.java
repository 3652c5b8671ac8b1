package io.github.distlock.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * A {@code distlock.*} property has a value distlock cannot use; carries the full
 * property name and the values it accepts, which the binder's own report loses for
 * setters of top-level properties.
 */
class InvalidPropertyValueException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final @Nullable String value;

	private final String validValues;

	private final String example;

	/**
	 * Creates the exception.
	 * @param property the full property name, such as {@code distlock.default-ttl}
	 * @param value the value as written, when known
	 * @param problem what is wrong, a sentence that names the property
	 * @param validValues the values the property accepts, such as {@code 1s or more}
	 * @param example a valid value
	 */
	InvalidPropertyValueException(String property, @Nullable String value, String problem, String validValues,
			String example) {
		super(problem);
		this.property = property;
		this.value = value;
		this.validValues = validValues;
		this.example = example;
	}

	String getProperty() {
		return this.property;
	}

	@Nullable String getValue() {
		return this.value;
	}

	String getValidValues() {
		return this.validValues;
	}

	String getExample() {
		return this.example;
	}

}
