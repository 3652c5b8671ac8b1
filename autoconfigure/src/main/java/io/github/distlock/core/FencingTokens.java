package io.github.distlock.core;

import io.github.distlock.LockBackendException;

/**
 * The fencing token of a lease: the backend's token in the high bits, the lease's place
 * in its local run of hand-overs ({@link LockSettings.Handoff}) in the low
 * {@value #LOCAL_BITS} bits. The next backend acquisition has a larger backend token, so
 * every lease's token is larger than all before it, whichever instance held them.
 */
final class FencingTokens {

	/** Bits for the local hand-over number. */
	static final int LOCAL_BITS = 10;

	/** The largest backend token that still fits. */
	static final long MAX_BACKEND_TOKEN = Long.MAX_VALUE >> LOCAL_BITS;

	private FencingTokens() {
	}

	/**
	 * The token of the {@code index}th holder (0: the acquiring one) of a backend lock.
	 */
	static long of(long backendToken, int index, String backend, String display) {
		if (backendToken < 0 || backendToken > MAX_BACKEND_TOKEN) {
			throw new LockBackendException(
					"Backend '" + backend + "' gave lock '" + display + "' the fencing token " + backendToken
							+ ", outside 0.." + MAX_BACKEND_TOKEN
							+ ", so distlock cannot number hand-overs below it; report this as a bug of the backend",
					null, false);
		}
		return (backendToken << LOCAL_BITS) | index;
	}

}
