package io.github.distlock.core;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;

/**
 * A real backend (usually the local one) that tells an observer of every acquire attempt
 * ({@code "acquire"}) and every release of its locks ({@code "release"}), on the calling
 * thread and before the call is passed on, so tests can count round trips or check on
 * which thread they run.
 */
public final class ObservedBackend implements LockBackend {

	private final LockBackend delegate;

	private final Consumer<String> observer;

	/**
	 * @param delegate the backend that does the work
	 * @param observer told {@code "acquire"} or {@code "release"}
	 */
	public ObservedBackend(LockBackend delegate, Consumer<String> observer) {
		this.delegate = delegate;
		this.observer = observer;
	}

	@Override
	public String name() {
		return this.delegate.name();
	}

	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		this.observer.accept("acquire");
		return this.delegate.tryAcquire(request).map(ObservedLock::new);
	}

	private final class ObservedLock implements BackendLock {

		private final BackendLock lock;

		ObservedLock(BackendLock lock) {
			this.lock = lock;
		}

		@Override
		public long fencingToken() {
			return this.lock.fencingToken();
		}

		@Override
		public long confirmedAtNanos() {
			return this.lock.confirmedAtNanos();
		}

		@Override
		public boolean renew() throws InterruptedException {
			return this.lock.renew();
		}

		@Override
		public boolean release() {
			ObservedBackend.this.observer.accept("release");
			return this.lock.release();
		}

		@Override
		public boolean othersWaitedAtRelease() {
			return this.lock.othersWaitedAtRelease();
		}

		@Override
		public long handOverWindowNanos(Duration ttl) {
			return this.lock.handOverWindowNanos(ttl);
		}

		@Override
		public long maxValidityNanos() {
			return this.lock.maxValidityNanos();
		}

		@Override
		public void onLost(Consumer<String> listener) {
			this.lock.onLost(listener);
		}

	}

}
