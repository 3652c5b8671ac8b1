package io.github.distlock.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.BeanReference;
import org.springframework.expression.spel.ast.ConstructorReference;
import org.springframework.expression.spel.ast.TypeReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Parses a lock key expression at startup and rejects what would fail or go wrong at
 * every call: a syntax error, a type, bean or constructor reference, and a variable that
 * is not a parameter of the method.
 */
final class KeyExpressionParser {

	// #p0 and #a0 name arguments by position; #root and #this are SpEL's own.
	private static final Pattern POSITIONAL = Pattern.compile("[pa](\\d+)");

	private final SpelExpressionParser parser = new SpelExpressionParser();

	/**
	 * Parses {@code text}, a key expression of {@code method} whose parameters have the
	 * given names ({@code null} when unknown).
	 */
	Expression parse(Method method, String text, String @Nullable [] names) {
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

}
