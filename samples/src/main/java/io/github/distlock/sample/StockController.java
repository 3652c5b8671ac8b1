package io.github.distlock.sample;

import java.util.Map;

import io.github.distlock.LockBackendException;
import io.github.distlock.LockNotAcquiredException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /stock/{sku}/reserve?quantity=1} reserves, {@code GET /stock/{sku}} shows
 * what is left, {@code POST /stock/{sku}/stocktake?seconds=20} holds the SKU's lock while
 * it counts.
 */
@RestController
public class StockController {

	private final StockService stock;

	public StockController(StockService stock) {
		this.stock = stock;
	}

	@PostMapping("/stock/{sku}/reserve")
	public Map<String, Object> reserve(@PathVariable String sku, @RequestParam(defaultValue = "1") int quantity) {
		// Checked before the lock is taken: a refused request needs no lock round trip.
		StockService.requirePositive(quantity);
		return Map.of("sku", sku, "reserved", quantity, "remaining", this.stock.reserve(sku, quantity));
	}

	@PostMapping("/stock/{sku}/stocktake")
	public Map<String, Object> stocktake(@PathVariable String sku, @RequestParam(defaultValue = "20") int seconds)
			throws InterruptedException {
		boolean completed = this.stock.stocktake(sku, seconds);
		return Map.of("sku", sku, "completed", completed, "remaining", this.stock.available(sku));
	}

	@GetMapping("/stock/{sku}")
	public Map<String, Object> available(@PathVariable String sku) {
		return Map.of("sku", sku, "remaining", this.stock.available(sku));
	}

	@ExceptionHandler
	ProblemDetail busy(LockNotAcquiredException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail invalidQuantity(StockService.InvalidQuantityException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> lockServerDown(LockBackendException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The lock server cannot be reached, so no reservation can be made safely now; try again later. ("
						+ ex.getMessage() + ")");
		problem.setTitle("Lock server unavailable");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").body(problem);
	}

	@ExceptionHandler
	ProblemDetail outOfStock(StockService.OutOfStockException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
	}

}
