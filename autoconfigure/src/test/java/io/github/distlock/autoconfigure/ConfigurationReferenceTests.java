package io.github.distlock.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration tables and the generated configuration metadata list the
 * same properties with the same defaults, so neither can drift from the other.
 */
class ConfigurationReferenceTests {

	// Spring Boot's own properties of every endpoint, not distlock's to document.
	private static final List<String> BOOT_ENDPOINT_PROPERTIES = List.of("management.endpoint.distlock.access",
			"management.endpoint.distlock.cache.time-to-live");

	private static final Pattern ROW = Pattern.compile("^\\| (`(?:distlock|management)\\.[^|]*) \\| ([^|]*) \\|");

	private static final Pattern NAME = Pattern.compile("`([a-z.-]+)`");

	@Test
	void theReadmeTablesListEveryPropertyWithItsDefault() throws IOException {
		Map<String, String> readme = readme();
		Map<String, String> metadata = metadata();
		assertThat(readme.keySet()).as("properties in the README")
			.containsExactlyInAnyOrderElementsOf(metadata.keySet());
		assertThat(readme).as("defaults in the README").containsExactlyInAnyOrderEntriesOf(metadata);
	}

	@Test
	void everyPropertyHasADescriptionAndEveryDurationDefaultHasAUnit() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(Files.readString(metadataFile()), "$.properties[*]");
		for (Map<String, Object> property : properties) {
			if (BOOT_ENDPOINT_PROPERTIES.contains(property.get("name"))) {
				continue;
			}
			assertThat(property.get("description")).as("description of %s", property.get("name")).isNotNull();
			if ("java.time.Duration".equals(property.get("type")) && property.get("defaultValue") != null) {
				assertThat(property.get("defaultValue").toString()).as("default of %s", property.get("name"))
					.matches("\\d+(ms|s|m|h|d)");
			}
		}
	}

	/**
	 * Property name to default as the README writes it, without backticks; "" where the
	 * README gives no value (unset, none, a rule).
	 */
	private static Map<String, String> readme() throws IOException {
		Map<String, String> defaults = new TreeMap<>();
		boolean propertyTable = false;
		for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
			// Only tables headed "| property | default |", not the metrics table.
			propertyTable = line.startsWith("|") && (propertyTable || line.startsWith("| property | default |"));
			Matcher row = ROW.matcher(line);
			if (!propertyTable || !row.find()) {
				continue;
			}
			String cell = row.group(2).strip();
			String value = (cell.startsWith("`") && cell.endsWith("`")) ? cell.substring(1, cell.length() - 1) : "";
			String previous = null;
			Matcher name = NAME.matcher(row.group(1).replace("` / `.", "` `" + "."));
			while (name.find()) {
				String property = name.group(1);
				if (property.startsWith(".") && previous != null) {
					// `distlock.zookeeper.auth.username` / `.password`
					property = previous.substring(0, previous.lastIndexOf('.')) + property;
				}
				defaults.put(property, value);
				previous = property;
			}
		}
		return defaults;
	}

	private static Map<String, String> metadata() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(Files.readString(metadataFile()), "$.properties[*]");
		Map<String, String> defaults = new TreeMap<>();
		for (Map<String, Object> property : properties) {
			String name = (String) property.get("name");
			if (!BOOT_ENDPOINT_PROPERTIES.contains(name)) {
				Object value = property.get("defaultValue");
				defaults.put(name, (value != null) ? value.toString() : "");
			}
		}
		return defaults;
	}

	private static Path metadataFile() {
		return Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");
	}

}
