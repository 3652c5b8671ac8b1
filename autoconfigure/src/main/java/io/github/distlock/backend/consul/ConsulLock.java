package io.github.distlock.backend.consul;

import io.github.distlock.spi.SessionLock;

/**
 * A lock on one KV key held by a shared session. The session's renewals, sent by the
 * generic session layer, confirm it, and the session's end loses it; {@link #stillHeld()}
 * asks nothing of Consul.
 */
final class ConsulLock implements SessionLock {

	private final ConsulApi api;

	private final String key;

	private final String session;

	private final boolean delete;

	private final long modifyIndex;

	ConsulLock(ConsulApi api, String key, String session, boolean delete, long modifyIndex) {
		this.api = api;
		this.key = key;
		this.session = session;
		this.delete = delete;
		this.modifyIndex = modifyIndex;
	}

	@Override
	public long fencingToken() {
		return this.modifyIndex;
	}

	@Override
	public boolean release() {
		return this.delete ? this.api.releaseAndDelete(this.key, this.session)
				: this.api.release(this.key, this.session);
	}

}
