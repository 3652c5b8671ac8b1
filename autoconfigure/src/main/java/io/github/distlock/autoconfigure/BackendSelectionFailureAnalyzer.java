package io.github.distlock.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a backend that cannot be chosen or created: what is missing and what to add.
 */
class BackendSelectionFailureAnalyzer extends AbstractFailureAnalyzer<BackendSelectionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BackendSelectionException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
