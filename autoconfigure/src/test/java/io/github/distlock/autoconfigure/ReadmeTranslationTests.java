package io.github.distlock.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.zh-CN.md mirrors README.md section by section: the same headings at the same
 * levels, the same tables, the same code blocks and the same inline code, so a change to
 * the English README that is not carried into the Chinese one fails the build and names
 * the section. The links of both, to headings and to files, must resolve.
 */
class ReadmeTranslationTests {

	private static final String ENGLISH = "README.md";

	private static final String CHINESE = "README.zh-CN.md";

	private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*$");

	private static final Pattern FENCE = Pattern.compile("^(\\s*)(```|~~~)(.*)$");

	private static final Pattern ANCHOR_LINK = Pattern.compile("\\]\\(#([^)\\s]+)\\)");

	// Relative links to files of the repository, not URLs ("https:") or anchors.
	private static final Pattern FILE_LINK = Pattern.compile("\\]\\((?![a-z]+:|#)([^)#\\s]+)[^)]*\\)");

	private static final Pattern UNESCAPED_PIPE = Pattern.compile("(?<!\\\\)\\|");

	private static final Pattern INLINE_CODE = Pattern.compile("`([^`]+)`");

	private final Readme english = Readme.read(ENGLISH);

	private final Readme chinese = Readme.read(CHINESE);

	@Test
	void bothHaveTheSameHeadingsAtTheSameLevels() {
		List<String> differences = new ArrayList<>();
		if (!sameOutline()) {
			differences.add("the headings differ%s; where %s has a section that %s lacks, translate it there:%n%s"
				.formatted(firstDifferentHeading(), ENGLISH, CHINESE, outlines()));
		}
		assertInStep(differences);
	}

	@Test
	void everySectionHasTheSameTablesInBoth() {
		assertSameHeadingsFirst();
		List<String> differences = new ArrayList<>();
		for (int i = 0; i < this.english.sections().size(); i++) {
			Section original = this.english.sections().get(i);
			Section translation = this.chinese.sections().get(i);
			if (!original.tableRowColumns().equals(translation.tableRowColumns())) {
				differences.add("%s has %d table rows (columns per row: %s) in %s but %d (%s) in %s".formatted(
						describe(i), original.tableRowColumns().size(), original.tableRowColumns(), ENGLISH,
						translation.tableRowColumns().size(), translation.tableRowColumns(), CHINESE));
			}
		}
		assertInStep(differences);
	}

	@Test
	void everySectionHasTheSameCodeBlocksInBoth() {
		assertSameHeadingsFirst();
		List<String> differences = new ArrayList<>();
		for (int i = 0; i < this.english.sections().size(); i++) {
			List<String> original = this.english.sections().get(i).codeBlocks();
			List<String> translation = this.chinese.sections().get(i).codeBlocks();
			if (!original.equals(translation)) {
				differences.add("%s has different code blocks: copy them from %s unchanged.%n%s:%n%s%n%s:%n%s"
					.formatted(describe(i), ENGLISH, ENGLISH, original, CHINESE, translation));
			}
		}
		assertInStep(differences);
	}

	/**
	 * Property names, defaults, class names and messages are written the same in both, so
	 * a changed default or a renamed property is caught even where the prose around it is
	 * translated.
	 */
	@Test
	void everySectionAndTableRowHasTheSameInlineCodeInBoth() {
		assertSameHeadingsFirst();
		List<String> differences = new ArrayList<>();
		for (int i = 0; i < this.english.sections().size(); i++) {
			Section original = this.english.sections().get(i);
			Section translation = this.chinese.sections().get(i);
			compareInlineCode(describe(i) + " outside tables", original.proseCode(), translation.proseCode(),
					differences);
			// A shifted row is the tables test's to report.
			if (original.tableRowCode().size() == translation.tableRowCode().size()) {
				for (int row = 0; row < original.tableRowCode().size(); row++) {
					compareInlineCode(describe(i) + " table row " + (row + 1), original.tableRowCode().get(row),
							translation.tableRowCode().get(row), differences);
				}
			}
		}
		assertInStep(differences);
	}

	@Test
	void everyLinkFindsItsHeadingOrFile() {
		List<String> broken = new ArrayList<>();
		for (Readme readme : List.of(this.english, this.chinese)) {
			Set<String> anchors = readme.anchors();
			for (int i = 0; i < readme.lines().size(); i++) {
				String line = readme.lines().get(i);
				Matcher anchor = ANCHOR_LINK.matcher(line);
				while (anchor.find()) {
					if (!anchors.contains(anchor.group(1))) {
						broken.add("%s line %d links to #%s, which is no heading of %s (headings: %s)"
							.formatted(readme.file(), i + 1, anchor.group(1), readme.file(), anchors));
					}
				}
				Matcher file = FILE_LINK.matcher(line);
				while (file.find()) {
					if (!Files.exists(Path.of("..", file.group(1)))) {
						broken.add("%s line %d links to %s, which does not exist".formatted(readme.file(), i + 1,
								file.group(1)));
					}
				}
			}
		}
		assertThat(broken).as("broken links").isEmpty();
		assertThat(this.english.lines()).as("%s links to %s", ENGLISH, CHINESE)
			.anyMatch((line) -> line.contains("](" + CHINESE + ")"));
		assertThat(this.chinese.lines()).as("%s links to %s", CHINESE, ENGLISH)
			.anyMatch((line) -> line.contains("](" + ENGLISH + ")"));
	}

	private static void compareInlineCode(String where, Set<String> original, Set<String> translation,
			List<String> differences) {
		if (!original.equals(translation)) {
			Set<String> onlyOriginal = new TreeSet<>(original);
			onlyOriginal.removeAll(translation);
			Set<String> onlyTranslation = new TreeSet<>(translation);
			onlyTranslation.removeAll(original);
			differences.add("%s has different `inline code`: only in %s %s, only in %s %s".formatted(where, ENGLISH,
					onlyOriginal, CHINESE, onlyTranslation));
		}
	}

	private boolean sameOutline() {
		return this.english.sections()
			.stream()
			.map(Section::level)
			.toList()
			.equals(this.chinese.sections().stream().map(Section::level).toList());
	}

	/**
	 * Sections are paired by position, which names the wrong sections once a heading is
	 * missing on one side: the headings must agree before anything else is compared.
	 */
	private void assertSameHeadingsFirst() {
		assertThat(sameOutline())
			.withFailMessage(
					"%s must be updated along with %s: their headings differ (see "
							+ "bothHaveTheSameHeadingsAtTheSameLevels); the sections are compared once they agree",
					CHINESE, ENGLISH)
			.isTrue();
	}

	private String firstDifferentHeading() {
		List<Section> original = this.english.sections();
		List<Section> translation = this.chinese.sections();
		for (int i = 0; i < Math.min(original.size(), translation.size()); i++) {
			if (original.get(i).level() != translation.get(i).level()) {
				return " first at '%s' (%s line %d), where %s has '%s' (line %d)".formatted(original.get(i).heading(),
						ENGLISH, original.get(i).line(), CHINESE, translation.get(i).heading(),
						translation.get(i).line());
			}
		}
		return " in number (%d sections in %s, %d in %s)".formatted(original.size(), ENGLISH, translation.size(),
				CHINESE);
	}

	/**
	 * Both files' headings side by side with their line numbers.
	 */
	private String outlines() {
		StringBuilder outlines = new StringBuilder("%-56s| %s%n".formatted(ENGLISH, CHINESE));
		for (int i = 1; i < Math.max(this.english.sections().size(), this.chinese.sections().size()); i++) {
			outlines.append("%-56s| %s%n".formatted(outlineEntry(this.english, i), outlineEntry(this.chinese, i)));
		}
		return outlines.toString();
	}

	private static String outlineEntry(Readme readme, int index) {
		if (index >= readme.sections().size()) {
			return "";
		}
		Section section = readme.sections().get(index);
		return "%4d %s".formatted(section.line(), section.heading());
	}

	private String describe(int index) {
		Section original = this.english.sections().get(index);
		Section translation = this.chinese.sections().get(index);
		return "section '%s' (%s line %d, %s line %d)".formatted(original.heading(), ENGLISH, original.line(), CHINESE,
				translation.line());
	}

	private static void assertInStep(List<String> differences) {
		assertThat(differences)
			.withFailMessage("%s must be updated along with %s, which it mirrors section by section:%n- %s", CHINESE,
					ENGLISH, String.join("\n- ", differences))
			.isEmpty();
	}

	/**
	 * A README read as the sequence of its sections.
	 *
	 * @param file the file's name in the repository's root
	 * @param lines every line of the file
	 * @param sections the text before the first heading, then one section per heading
	 */
	private record Readme(String file, List<String> lines, List<Section> sections) {

		static Readme read(String file) {
			List<String> lines;
			try {
				lines = Files.readAllLines(Path.of("..", file));
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read " + file + " in the repository's root", ex);
			}
			List<Section> sections = new ArrayList<>();
			Section section = new Section(0, "(text before the first heading)", 1);
			sections.add(section);
			StringBuilder block = null;
			String indent = "";
			for (int i = 0; i < lines.size(); i++) {
				String line = lines.get(i);
				Matcher fence = FENCE.matcher(line);
				if (block != null) {
					if (fence.matches() && fence.group(3).isBlank()) {
						section.codeBlocks().add(block.toString());
						block = null;
					}
					else {
						// A block inside a list item is indented like its fence.
						block.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip())
							.append('\n');
					}
					continue;
				}
				Matcher heading = HEADING.matcher(line);
				if (fence.matches()) {
					indent = fence.group(1);
					block = new StringBuilder(fence.group(2) + fence.group(3).strip()).append('\n');
				}
				else if (heading.matches()) {
					section = new Section(heading.group(1).length(), heading.group(2), i + 1);
					sections.add(section);
				}
				else if (line.startsWith("|")) {
					section.tableRowColumns().add(UNESCAPED_PIPE.split(line.strip(), -1).length - 2);
					section.tableRowCode().add(inlineCode(line));
				}
				else {
					section.prose().append(line).append('\n');
				}
			}
			if (block != null) {
				throw new IllegalStateException(file + " has a code block that is never closed");
			}
			return new Readme(file, lines, sections);
		}

		/**
		 * The text of every code span; a span may continue on the next line.
		 */
		static Set<String> inlineCode(CharSequence text) {
			Set<String> code = new TreeSet<>();
			Matcher span = INLINE_CODE.matcher(text);
			while (span.find()) {
				code.add(span.group(1).replaceAll("\\s+", " "));
			}
			return code;
		}

		/**
		 * The anchors GitHub gives the headings: lower case, punctuation removed, spaces
		 * replaced by hyphens, "-1", "-2" after repeated headings.
		 */
		Set<String> anchors() {
			Set<String> anchors = new LinkedHashSet<>();
			Map<String, Integer> repeats = new HashMap<>();
			for (Section section : this.sections.subList(1, this.sections.size())) {
				String slug = section.title()
					.toLowerCase(Locale.ROOT)
					.replaceAll("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]", "")
					.replace(' ', '-');
				int repeat = repeats.merge(slug, 1, Integer::sum) - 1;
				anchors.add((repeat == 0) ? slug : slug + "-" + repeat);
			}
			return anchors;
		}

	}

	/**
	 * The part of a README from one heading to the next.
	 *
	 * @param level the heading's level, 0 for the text before the first heading
	 * @param title the heading's text
	 * @param line the heading's line number
	 * @param tableRowColumns the number of columns of every table row, in order
	 * @param tableRowCode the inline code of every table row, in order
	 * @param codeBlocks every fenced code block, with its info string and without the
	 * indentation of its fence
	 * @param prose the lines that are neither headings, table rows nor code blocks
	 */
	private record Section(int level, String title, int line, List<Integer> tableRowColumns,
			List<Set<String>> tableRowCode, List<String> codeBlocks, StringBuilder prose) {

		Section(int level, String title, int line) {
			this(level, title, line, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new StringBuilder());
		}

		Set<String> proseCode() {
			return Readme.inlineCode(this.prose);
		}

		String heading() {
			return (this.level > 0) ? "#".repeat(this.level) + " " + this.title : this.title;
		}

	}

}
