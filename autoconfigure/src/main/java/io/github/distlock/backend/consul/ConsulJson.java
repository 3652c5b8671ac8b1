package io.github.distlock.backend.consul;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A strict reader of the JSON Consul answers with: objects, arrays, strings, integers, booleans and
 * null. Spring Boot's fallback parser, used when no JSON library is on the classpath, splits on commas
 * and breaks on lock keys and error messages that contain them; this one does not, and needs no library.
 */
final class ConsulJson {

	private final String text;

	private int position;

	private ConsulJson(String text) {
		this.text = text;
	}

	/**
	 * Reads one JSON value: a {@link Map}, {@link List}, {@link String}, {@link Long}, {@link Double},
	 * {@link Boolean} or {@code null}.
	 * @throws IllegalArgumentException when {@code text} is not one JSON value
	 */
	static @Nullable Object parse(String text) {
		ConsulJson reader = new ConsulJson(text);
		Object value = reader.value();
		reader.skipWhitespace();
		if (reader.position != text.length()) {
			throw reader.error("end of input");
		}
		return value;
	}

	private @Nullable Object value() {
		skipWhitespace();
		char c = peek();
		switch (c) {
			case '{':
				return object();
			case '[':
				return array();
			case '"':
				return string();
			case 't':
				return literal("true", Boolean.TRUE);
			case 'f':
				return literal("false", Boolean.FALSE);
			case 'n':
				return literal("null", null);
			default:
				return number();
		}
	}

	private Map<String, @Nullable Object> object() {
		Map<String, @Nullable Object> members = new LinkedHashMap<>();
		this.position++;
		skipWhitespace();
		if (consume('}')) {
			return members;
		}
		do {
			skipWhitespace();
			String name = string();
			skipWhitespace();
			expect(':');
			members.put(name, value());
			skipWhitespace();
		}
		while (consume(','));
		expect('}');
		return members;
	}

	private List<@Nullable Object> array() {
		List<@Nullable Object> elements = new ArrayList<>();
		this.position++;
		skipWhitespace();
		if (consume(']')) {
			return elements;
		}
		do {
			elements.add(value());
			skipWhitespace();
		}
		while (consume(','));
		expect(']');
		return elements;
	}

	private String string() {
		expect('"');
		StringBuilder out = new StringBuilder();
		while (true) {
			char c = next();
			if (c == '"') {
				return out.toString();
			}
			if (c != '\\') {
				out.append(c);
				continue;
			}
			char escaped = next();
			switch (escaped) {
				case 'b' -> out.append('\b');
				case 'f' -> out.append('\f');
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 't' -> out.append('\t');
				case 'u' -> {
					if (this.position + 4 > this.text.length()) {
						throw error("four hex digits");
					}
					out.append((char) Integer.parseInt(this.text.substring(this.position, this.position + 4), 16));
					this.position += 4;
				}
				default -> out.append(escaped);
			}
		}
	}

	private Object number() {
		int start = this.position;
		while (this.position < this.text.length() && "+-0123456789.eE".indexOf(this.text.charAt(this.position)) >= 0) {
			this.position++;
		}
		String number = this.text.substring(start, this.position);
		try {
			// Not a conditional expression: it would widen the Long to a double.
			if (number.matches("-?\\d+")) {
				return Long.parseLong(number);
			}
			return Double.parseDouble(number);
		}
		catch (NumberFormatException ex) {
			this.position = start;
			throw error("a JSON value");
		}
	}

	private @Nullable Object literal(String word, @Nullable Object value) {
		if (!this.text.startsWith(word, this.position)) {
			throw error("'" + word + "'");
		}
		this.position += word.length();
		return value;
	}

	private void skipWhitespace() {
		while (this.position < this.text.length() && Character.isWhitespace(this.text.charAt(this.position))) {
			this.position++;
		}
	}

	private boolean consume(char c) {
		if (this.position < this.text.length() && this.text.charAt(this.position) == c) {
			this.position++;
			return true;
		}
		return false;
	}

	private void expect(char c) {
		if (!consume(c)) {
			throw error("'" + c + "'");
		}
	}

	private char peek() {
		if (this.position >= this.text.length()) {
			throw error("a JSON value");
		}
		return this.text.charAt(this.position);
	}

	private char next() {
		char c = peek();
		this.position++;
		return c;
	}

	private IllegalArgumentException error(String expected) {
		return new IllegalArgumentException("Consul answered JSON that could not be read: expected " + expected
				+ " at character " + this.position + " of " + this.text);
	}

}
