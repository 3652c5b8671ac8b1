package io.github.distlock.it.shutdown;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.github.distlock.core.LockListener;

/**
 * Records, when distlock releases a lock, what the application's own client looked like
 * then, and the losses reported: the proof that distlock released before the client
 * closed.
 */
public class ShutdownWitness implements LockListener {

	private final Supplier<String> clientState;

	public final List<String> clientStatesAtRelease = new CopyOnWriteArrayList<>();

	public final List<String> lostReasons = new CopyOnWriteArrayList<>();

	public ShutdownWitness(Supplier<String> clientState) {
		this.clientState = clientState;
	}

	@Override
	public void released(LockInfo lock, boolean lost, long holdNanos) {
		this.clientStatesAtRelease.add(lock.name() + ":" + this.clientState.get());
	}

	@Override
	public void lost(LockInfo lock, long fencingToken, String reason) {
		this.lostReasons.add(lock.name() + ": " + reason);
	}

}
