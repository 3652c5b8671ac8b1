package io.github.distlock.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.distlock.InvalidLockKeyException;
import io.github.distlock.spi.LockRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LockKeysTests {

	@Test
	void readableKeysStayReadable() {
		assertThat(LockKeys.encode("order:42")).isEqualTo("order:42");
		assertThat(LockKeys.encode("sku-A_1.v2")).isEqualTo("sku-A_1.v2");
	}

	@Test
	void pathSeparatorsAndTraversalCannotEscape() {
		assertThat(LockKeys.encode("a/b")).isEqualTo("a%2Fb");
		assertThat(LockKeys.encode("..")).isEqualTo("%2E%2E");
		assertThat(LockKeys.encode(".")).isEqualTo("%2E");
		assertThat(LockKeys.encode("../etc")).doesNotContain("/");
	}

	@Test
	void listsAreJoinedInjectively() {
		Set<String> encoded = new HashSet<>();
		encoded.add(LockKeys.encode(List.of("a:b", "c")));
		encoded.add(LockKeys.encode(List.of("a", "b:c")));
		encoded.add(LockKeys.encode("a:b,c"));
		encoded.add(LockKeys.encode(List.of("a,b", "c")));
		encoded.add(LockKeys.encode(List.of("a", "b,c")));
		encoded.add(LockKeys.encode(new Object[] { "a", "b", "c" }));
		encoded.add(LockKeys.encode("a%2Cb"));
		assertThat(encoded).hasSize(7);
	}

	@Test
	void nonAsciiIsPercentEncodedFromUtf8() {
		assertThat(LockKeys.encode("订单:1")).isEqualTo("%E8%AE%A2%E5%8D%95:1");
	}

	@Test
	void longKeysAreCappedWithAHashAndStayDistinct() {
		String base = "x".repeat(300);
		String first = LockKeys.encode(base + "1");
		String second = LockKeys.encode(base + "2");
		assertThat(first).hasSizeLessThanOrEqualTo(LockRequest.MAX_ENCODED_LENGTH).contains("~").isNotEqualTo(second);
		String escaped = LockKeys.encode("/".repeat(200));
		assertThat(escaped).hasSizeLessThanOrEqualTo(LockRequest.MAX_ENCODED_LENGTH);
		assertThat(escaped.substring(0, escaped.indexOf('~'))).matches("(%2F)+");
		new LockRequest(first, java.time.Duration.ofSeconds(1), java.time.Duration.ZERO);
	}

	@Test
	void badKeysAreRejectedSayingWhatToDo() {
		assertThatThrownBy(() -> LockKeys.encode(null)).isInstanceOf(InvalidLockKeyException.class)
			.hasMessageContaining("is null");
		assertThatThrownBy(() -> LockKeys.encode(" ")).isInstanceOf(InvalidLockKeyException.class)
			.hasMessageContaining("is empty");
		assertThatThrownBy(() -> LockKeys.encode(List.of())).isInstanceOf(InvalidLockKeyException.class)
			.hasMessageContaining("empty list");
		assertThatThrownBy(() -> LockKeys.encode(java.util.Arrays.asList("a", null)))
			.isInstanceOf(InvalidLockKeyException.class)
			.hasMessageContaining("part 1");
		assertThatThrownBy(() -> LockKeys.encode("k".repeat(513))).isInstanceOf(InvalidLockKeyException.class)
			.hasMessageContaining("513 characters");
	}

}
