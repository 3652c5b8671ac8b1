package io.github.distlock.backend.consul;

import io.github.distlock.spi.AbstractBackendLock;

/**
 * A lock on one KV key held by a shared session. The session's renewals confirm it, so
 * {@link #renew()} asks nothing of Consul.
 */
final class ConsulLock extends AbstractBackendLock {

	private final ConsulApi api;

	private final String key;

	private final ConsulSession session;

	private final boolean delete;

	ConsulLock(ConsulApi api, String key, ConsulSession session, boolean delete, long modifyIndex, long sentAtNanos) {
		super(modifyIndex, sentAtNanos);
		this.api = api;
		this.key = key;
		this.session = session;
		this.delete = delete;
	}

	@Override
	public boolean renew() {
		return this.session.isValid() && !isLostReported();
	}

	@Override
	public boolean release() {
		this.session.remove(this);
		this.session.unuse();
		return this.delete ? this.api.releaseAndDelete(this.key, this.session.id())
				: this.api.release(this.key, this.session.id());
	}

	void sessionConfirmed(long sentAtNanos) {
		confirmed(sentAtNanos);
	}

	void lost(String reason) {
		reportLost(reason);
	}

}
