package io.github.distlock.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The backend cannot be chosen: the one named in {@code distlock.backend} has no client
 * on the classpath, or, with the property unset, no backend or several have a configured
 * connection.
 */
public final class BackendChoiceException extends BackendSelectionException {

	private static final long serialVersionUID = 1L;

	/** What went wrong, which decides the action the failure analyzer writes. */
	enum Problem {

		/** The chosen backend's client is not on the classpath. */
		CLIENT_MISSING,

		/** Nothing is chosen and no backend has a configured connection. */
		NONE_CONNECTED,

		/** Nothing is chosen and several backends have a configured connection. */
		SEVERAL_CONNECTED

	}

	private final Problem problem;

	private final @Nullable BackendType chosen;

	private final List<BackendType> connected;

	private BackendChoiceException(Problem problem, String message, @Nullable BackendType chosen,
			List<BackendType> connected) {
		super(message, null);
		this.problem = problem;
		this.chosen = chosen;
		this.connected = List.copyOf(connected);
	}

	static BackendChoiceException clientMissing(BackendType chosen) {
		return new BackendChoiceException(Problem.CLIENT_MISSING, "distlock.backend is '" + chosen.propertyValue()
				+ "' but " + chosen.client() + " is not on the classpath", chosen, List.of());
	}

	static BackendChoiceException noneConnected() {
		return new BackendChoiceException(Problem.NONE_CONNECTED, "No lock backend is chosen: distlock.backend is not "
				+ "set and no lock server client with a configured connection was found", null, List.of());
	}

	static BackendChoiceException severalConnected(List<BackendType> connected) {
		return new BackendChoiceException(Problem.SEVERAL_CONNECTED, "Several lock backends are configured ("
				+ names(connected) + ") and distlock.backend does not choose one", null, connected);
	}

	static String names(List<BackendType> backends) {
		return backends.stream().map(BackendType::propertyValue).collect(Collectors.joining(", "));
	}

	Problem problem() {
		return this.problem;
	}

	/**
	 * The backend named in {@code distlock.backend}, for {@link Problem#CLIENT_MISSING}.
	 */
	@Nullable BackendType chosen() {
		return this.chosen;
	}

	/**
	 * The backends with a configured connection, for {@link Problem#SEVERAL_CONNECTED}.
	 */
	List<BackendType> connected() {
		return this.connected;
	}

}
