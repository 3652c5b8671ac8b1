package io.github.distlock.backend.zookeeper;

import org.apache.curator.framework.state.ConnectionState;

/**
 * Which Curator connection state makes the ZooKeeper backend report its held locks as
 * lost.
 *
 * <p>
 * ZooKeeper keeps a lock node for as long as the session that created it lives, and the
 * server alone decides when a session expires: {@code sessionTimeout} after it last heard
 * from the client. The client notices silence after two thirds of that timeout (Curator's
 * {@code SUSPENDED}), and Curator announces {@code LOST} when the session is known to be
 * expired or a full session timeout after {@code SUSPENDED}, without being able to ask
 * the server.
 */
public enum LossOn {

	/**
	 * Locks are lost as soon as the connection is suspended (Curator's standard error
	 * policy). The holder learns of the loss about a third of the session timeout before
	 * the server can expire the session and hand the lock to another client. A short
	 * network blip or a server restart costs the lock even if the session survives it.
	 */
	SUSPENDED,

	/**
	 * Locks are lost only when the session is lost (Curator's session error policy).
	 * Locks survive connection blips and server restarts shorter than the session
	 * timeout, but during a partition the server may expire the session and grant the
	 * lock to another client up to two thirds of a session timeout before this client
	 * reports the loss.
	 */
	LOST;

	/**
	 * Whether {@code state} means the held locks are lost under this policy.
	 */
	public boolean isLoss(ConnectionState state) {
		return state == ConnectionState.LOST || (this == SUSPENDED && state == ConnectionState.SUSPENDED);
	}

}
