package io.github.distlock.backend.consul;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * Consul's JSON, as far as locks read and write it: records mapped by the RestClient's
 * Jackson converter. Jackson 2's annotations, which Jackson 3 reads too.
 */
final class ConsulJson {

	private ConsulJson() {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record SessionId(@JsonProperty("ID") @Nullable String id) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Entry(@JsonProperty("Session") @Nullable String session, @JsonProperty("ModifyIndex") long modifyIndex) {
	}

	record Operation(@JsonProperty("KV") KvOperation kv) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record KvOperation(@JsonProperty("Verb") String verb, @JsonProperty("Key") String key,
			@JsonProperty("Session") @Nullable String session, @JsonProperty("Value") @Nullable String value) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Transaction(@JsonProperty("Results") @Nullable List<Result> results,
			@JsonProperty("Errors") @Nullable List<Failure> errors) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Result(@JsonProperty("KV") @Nullable Entry kv) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Failure(@JsonProperty("What") @Nullable String what) {
	}

}
