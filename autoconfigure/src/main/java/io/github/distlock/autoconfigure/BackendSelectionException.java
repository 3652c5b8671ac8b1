package io.github.distlock.autoconfigure;

import io.github.distlock.DistributedLockException;
import org.jspecify.annotations.Nullable;

/**
 * No lock backend can be chosen or created from the application's classpath and
 * configuration. Each subclass carries the facts of one backend's failures;
 * {@link BackendSelectionFailureAnalyzer} turns them into what to write instead.
 */
public abstract sealed class BackendSelectionException extends DistributedLockException permits BackendChoiceException,
		RedisStartupException, EtcdStartupException, ZooKeeperStartupException, ConsulStartupException {

	private static final long serialVersionUID = 1L;

	BackendSelectionException(String problem, @Nullable Throwable cause) {
		super(problem);
		if (cause != null) {
			initCause(cause);
		}
	}

	/**
	 * Whether the backend's server could not be reached (as opposed to refusing the
	 * configuration): with {@code distlock.verify-on-startup=false} the application then
	 * starts and the backend is created at its first use that reaches the server.
	 */
	public boolean isServerUnreachable() {
		return false;
	}

	/**
	 * What to add to {@code application.yml} or the pom: the action the failure analyzer
	 * reports, for callers that inspect the exception itself.
	 */
	public String getAction() {
		return BackendSelectionFailureAnalyzer.action(this);
	}

}
