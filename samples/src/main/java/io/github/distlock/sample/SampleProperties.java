package io.github.distlock.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Settings of the sample, under {@code sample.*}.
 */
@Component
@ConfigurationProperties("sample")
public class SampleProperties {

	/**
	 * Stock every SKU starts with and is restocked to.
	 */
	private int initialStock = 10;

	/**
	 * Simulated work inside the locked section.
	 */
	private Duration workDelay = Duration.ofMillis(20);

	public int getInitialStock() {
		return this.initialStock;
	}

	public void setInitialStock(int initialStock) {
		this.initialStock = initialStock;
	}

	public Duration getWorkDelay() {
		return this.workDelay;
	}

	public void setWorkDelay(Duration workDelay) {
		this.workDelay = workDelay;
	}

}
