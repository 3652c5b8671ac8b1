package io.github.distlock.spi;

/**
 * Optional capability of a {@link LockBackend}: a cheap round trip to its server, used by
 * the health indicator.
 */
public interface ConnectionCheck {

	/**
	 * Asks the server for something trivial.
	 * @throws io.github.distlock.LockBackendException when the server does not answer
	 * properly
	 */
	void checkConnection();

}
