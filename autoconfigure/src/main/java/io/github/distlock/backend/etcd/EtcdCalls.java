package io.github.distlock.backend.etcd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.github.distlock.LockBackendException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.jspecify.annotations.Nullable;

/**
 * Blocking waits on jetcd calls, each bounded by the request timeout: jetcd waits for a
 * ready channel by default, so an unbounded wait would hang a lock thread for as long as
 * etcd is down or frozen.
 */
final class EtcdCalls {

	private static final Set<ErrorCode> TRANSIENT_CODES = EnumSet.of(ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED,
			ErrorCode.ABORTED, ErrorCode.RESOURCE_EXHAUSTED);

	private static final Set<Status.Code> TRANSIENT_STATUSES = EnumSet.of(Status.Code.UNAVAILABLE,
			Status.Code.DEADLINE_EXCEEDED, Status.Code.ABORTED, Status.Code.RESOURCE_EXHAUSTED);

	private final Duration timeout;

	EtcdCalls(Duration timeout) {
		this.timeout = timeout;
	}

	Duration timeout() {
		return this.timeout;
	}

	/**
	 * The call's result.
	 * @throws LockBackendException when etcd answered with an error or not within the
	 * timeout
	 */
	<T> T await(CompletableFuture<T> call, String what) throws InterruptedException {
		return await(call, what, this.timeout);
	}

	/**
	 * The call's result, waiting at most {@code timeout}.
	 */
	<T> T await(CompletableFuture<T> call, String what, Duration timeout) throws InterruptedException {
		try {
			return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new LockBackendException("etcd failed to " + what + ": " + cause.getMessage(), cause,
					isTransient(cause));
		}
		catch (TimeoutException ex) {
			call.cancel(false);
			throw new LockBackendException(
					"etcd did not answer within " + timeout.toMillis() + "ms when asked to " + what, ex, true);
		}
	}

	/**
	 * Whether etcd failed in a way that passes by itself: no leader or a leader change
	 * ({@code UNAVAILABLE}, as etcd answers during an election), a member that did not
	 * answer in time, or a request aborted by contention. Authentication, permission and
	 * invalid-request errors are not transient; neither is a client that was closed.
	 */
	static boolean isTransient(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ClosedClientException) {
				return false;
			}
			if (cause instanceof EtcdException etcd) {
				return TRANSIENT_CODES.contains(etcd.getErrorCode());
			}
			if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
				return TRANSIENT_STATUSES.contains(Status.fromThrowable(cause).getCode());
			}
			if (cause instanceof TimeoutException || cause instanceof IOException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	/**
	 * Whether etcd said the lease does not exist (expired or revoked), anywhere in the
	 * cause chain.
	 */
	static boolean isLeaseNotFound(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
				return true;
			}
			if (cause.getMessage() != null && cause.getMessage().contains("requested lease not found")) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
