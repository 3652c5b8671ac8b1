package io.github.distlock.backend.consul;

import io.github.distlock.LockBackendException;
import org.jspecify.annotations.Nullable;

/**
 * Consul could not be reached, or answered a request with an error.
 */
public class ConsulApiException extends LockBackendException {

	private static final long serialVersionUID = 1L;

	/** The status of a request that got no answer. */
	public static final int NO_ANSWER = 0;

	private final int status;

	/**
	 * Creates the exception.
	 * @param status the HTTP status Consul answered, {@code 403} also for a transaction
	 * refused for lack of permission, or {@link #NO_ANSWER}
	 */
	public ConsulApiException(String message, int status, @Nullable Throwable cause) {
		// No answer, a server error (no cluster leader, an RPC to a dead server) or rate
		// limiting pass by themselves; a refusal or a rejected request does not.
		super(message, cause, status == NO_ANSWER || status >= 500 || status == 429);
		this.status = status;
	}

	/** The HTTP status Consul answered, or {@link #NO_ANSWER}. */
	public int status() {
		return this.status;
	}

	/** Whether Consul refused the ACL token: missing, unknown, or lacking permission. */
	public boolean isAccessDenied() {
		return this.status == 403;
	}

	/** Whether Consul failed to do what was asked (5xx), as without a cluster leader. */
	public boolean isServerError() {
		return this.status >= 500;
	}

	/** Whether the request got no answer at all (connection refused, timeout). */
	public boolean isUnreachable() {
		return this.status == NO_ANSWER;
	}

}
