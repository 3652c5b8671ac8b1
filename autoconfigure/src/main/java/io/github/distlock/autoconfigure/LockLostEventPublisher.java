package io.github.distlock.autoconfigure;

import io.github.distlock.LockLostEvent;
import io.github.distlock.core.LockListener;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes a {@link LockLostEvent} to the application context for every lost lock.
 */
final class LockLostEventPublisher implements LockListener {

	private final ApplicationEventPublisher publisher;

	LockLostEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void lost(LockInfo lock, long fencingToken, String reason) {
		this.publisher
			.publishEvent(new LockLostEvent(this, lock.key(), lock.name(), lock.backend(), fencingToken, reason));
	}

}
