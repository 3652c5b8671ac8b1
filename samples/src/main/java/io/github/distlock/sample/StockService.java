package io.github.distlock.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.distlock.DistributedLock;
import io.github.distlock.DistributedLocks;
import io.github.distlock.Lease;
import org.springframework.stereotype.Service;

/**
 * Reserves stock with a deliberately non-atomic read-check-write, the way code against a
 * database row or a remote inventory API looks. The lock on {@code sku:<sku>} is what
 * keeps it from overselling.
 */
@Service
public class StockService {

	private final Map<String, Integer> stock = new ConcurrentHashMap<>();

	private final SampleProperties properties;

	public StockService(SampleProperties properties) {
		this.properties = properties;
	}

	@DistributedLock(key = "'sku:' + #sku", name = "reserve", ttl = "10s", waitTime = "${sample.reserve-wait:2s}")
	public int reserve(String sku, int quantity) {
		requirePositive(quantity);
		int available = available(sku);
		if (available < quantity) {
			throw new OutOfStockException(sku, available, quantity);
		}
		simulateRemoteCall();
		this.stock.put(sku, available - quantity);
		return available - quantity;
	}

	/**
	 * Counts the stock of {@code sku} by hand, holding its lock for {@code seconds} (at
	 * most 60): long enough to watch the lock, its owner and its renewals (every second,
	 * with a ttl of 3s) in {@code /actuator/distlock}. It stops as soon as its lock is
	 * lost (or taken away through the endpoint), checking {@code isHeld()} before each
	 * step as work under a lock should.
	 * @return whether the count was completed under the lock
	 */
	@DistributedLock(key = "'sku:' + #sku", name = "stocktake", ttl = "3s", waitTime = "${sample.reserve-wait:2s}")
	public boolean stocktake(String sku, int seconds) throws InterruptedException {
		long steps = Math.max(0, Math.min(seconds, 60)) * 10L;
		for (long step = 0; step < steps; step++) {
			if (!DistributedLocks.currentLease().map(Lease::isHeld).orElse(false)) {
				return false;
			}
			// One shelf counted: a stand-in for slow work under the lock.
			Thread.sleep(100);
		}
		return true;
	}

	/**
	 * Refuses a quantity that would add stock instead of reserving it.
	 */
	static void requirePositive(int quantity) {
		if (quantity < 1) {
			throw new InvalidQuantityException(quantity);
		}
	}

	public int available(String sku) {
		return this.stock.getOrDefault(sku, this.properties.getInitialStock());
	}

	void restock(String sku, int quantity) {
		this.stock.put(sku, quantity);
	}

	Iterable<String> skus() {
		return this.stock.keySet();
	}

	private void simulateRemoteCall() {
		try {
			// Widens the race window so that removing the annotation visibly oversells
			// under load.
			Thread.sleep(this.properties.getWorkDelay().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while reserving", ex);
		}
	}

	/**
	 * A reservation of zero or fewer items.
	 */
	public static class InvalidQuantityException extends IllegalArgumentException {

		private static final long serialVersionUID = 1L;

		InvalidQuantityException(int quantity) {
			super("quantity must be 1 or more, but was " + quantity);
		}

	}

	/**
	 * Not enough stock for a reservation.
	 */
	public static class OutOfStockException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		OutOfStockException(String sku, int available, int requested) {
			super("Only " + available + " of " + sku + " left, " + requested + " requested");
		}

	}

}
