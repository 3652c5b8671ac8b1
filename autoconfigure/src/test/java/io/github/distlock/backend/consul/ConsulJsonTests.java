package io.github.distlock.backend.consul;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConsulJsonTests {

	@Test
	void readsATransactionErrorWhoseKeyHasCommasAndQuotes() {
		String body = """
				{
				    "Results": null,
				    "Errors": [
				        {
				            "OpIndex": 0,
				            "What": "failed to lock key \\"distlock/a:b,c\\", lock is already held"
				        }
				    ]
				}""";
		Map<?, ?> answer = (Map<?, ?>) ConsulJson.parse(body);
		assertThat(answer.get("Results")).isNull();
		assertThat((List<?>) answer.get("Errors")).singleElement()
			.isEqualTo(Map.of("OpIndex", 0L, "What", "failed to lock key \"distlock/a:b,c\", lock is already held"));
	}

	@Test
	void readsKvEntriesWithNumbersBooleansEscapesAndEmptyContainers() {
		Object value = ConsulJson.parse("[{\"LockIndex\":1,\"Key\":\"k\\u00e9\\/\\\\\",\"Value\":null,\"Flags\":0,"
				+ "\"ModifyIndex\":18446744073709,\"Ok\":true,\"No\":false,\"Ratio\":1.5e0,\"Empty\":{},\"None\":[]}]");
		Map<?, ?> entry = (Map<?, ?>) ((List<?>) value).get(0);
		assertThat(entry.get("Key")).isEqualTo("ké/\\");
		assertThat(entry.get("ModifyIndex")).isEqualTo(18446744073709L);
		assertThat(entry.get("Ok")).isEqualTo(true);
		assertThat(entry.get("No")).isEqualTo(false);
		assertThat(entry.get("Ratio")).isEqualTo(1.5);
		assertThat(entry.get("Empty")).isEqualTo(Map.of());
		assertThat(entry.get("None")).isEqualTo(List.of());
		assertThat(entry.containsKey("Value")).isTrue();
		assertThat(ConsulJson.parse(" null ")).isNull();
	}

	@Test
	void rejectsWhatIsNotOneJsonValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> ConsulJson.parse("{\"ID\": }"))
			.withMessageContaining("could not be read");
		assertThatIllegalArgumentException().isThrownBy(() -> ConsulJson.parse("[1] 2"));
		assertThatIllegalArgumentException().isThrownBy(() -> ConsulJson.parse("\"open"));
		assertThatIllegalArgumentException().isThrownBy(() -> ConsulJson.parse("Permission denied"));
	}

}
