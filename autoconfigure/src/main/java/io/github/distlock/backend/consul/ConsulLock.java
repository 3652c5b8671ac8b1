package io.github.distlock.backend.consul;

import io.github.distlock.spi.SessionLock;

/**
 * A lock on one KV key held by a shared session, whose renewals confirm it and whose end
 * loses it; the entry's {@code ModifyIndex} is its fencing token.
 */
record ConsulLock(ConsulApi api, String key, String session, boolean delete, long fencingToken) implements SessionLock {

	@Override
	public boolean release() {
		return this.delete ? this.api.releaseAndDelete(this.key, this.session)
				: this.api.release(this.key, this.session);
	}

}
