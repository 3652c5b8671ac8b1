package io.github.distlock.autoconfigure;

import io.github.distlock.aop.InvalidLockDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@code @DistributedLock} annotation that cannot work as written.
 */
class InvalidLockDefinitionFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLockDefinitionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidLockDefinitionException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the annotation on " + cause.getMethod() + ": " + cause.getAction(), cause);
	}

}
