package org.fmjvm.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The README shows code that compiles and points only inside the repository. Every Java snippet
 * is taken from a source file the README links just before it (the compiler checks that file), so
 * each of its lines must appear in that file in the same order; a line {@code // ...} marks an
 * elision. Every relative link, and every path to a source or doc file named in the text, must
 * resolve to a file of the repository.
 */
class ReadmeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
    /** A path to a source or doc file, such as {@code bench/compare.sh}, written anywhere in the text. */
    private static final Pattern SOURCE_PATH =
            Pattern.compile("(?<![\\w/~.-])[\\w.-]+(/[\\w.-]+)+\\.(md|py|java|sh|xml|json)\\b");

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"));
    }

    @Test
    void everyJavaSnippetIsPartOfTheSourceFileLinkedBeforeIt() throws IOException {
        String text = readme();
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(text);
        int checked = 0;
        while (block.find()) {
            String before = text.substring(0, block.start());
            Path source = null;
            Matcher link = LINK.matcher(before);
            while (link.find()) {
                if (link.group(1).endsWith(".java")) {
                    source = ROOT.resolve(link.group(1));
                }
            }
            assertThat(source).as("a link to the .java file before the snippet at offset %d", block.start())
                    .isNotNull();
            assertThat(source).as("the linked source").isRegularFile();
            List<String> file = Files.readAllLines(source).stream().map(String::strip).toList();
            int at = 0;
            for (String line : block.group(1).split("\\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.equals("// ...") || l.startsWith("// ... ")) {
                    continue;
                }
                int found = -1;
                for (int i = at; i < file.size(); i++) {
                    if (file.get(i).equals(l)) {
                        found = i;
                        break;
                    }
                }
                assertThat(found).as("snippet line '%s' in %s, after line %d", l, ROOT.relativize(source), at)
                        .isNotNegative();
                at = found + 1;
            }
            checked++;
        }
        assertThat(checked).as("Java snippets in the README").isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
        String text = readme();
        List<String> broken = new ArrayList<>();
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            String target = link.group(1);
            if (target.contains("://") || target.startsWith("mailto:")) {
                continue;
            }
            Path p = ROOT.resolve(target).normalize();
            if (!p.startsWith(ROOT) || !Files.exists(p)) {
                broken.add(target);
            }
        }
        assertThat(broken).as("links that leave the repository or point at nothing").isEmpty();
        assertThat(text).as("the README never climbs out of the repository").doesNotContain("../");
        List<String> missing = new ArrayList<>();
        Matcher file = SOURCE_PATH.matcher(text);
        while (file.find()) {
            if (!Files.exists(ROOT.resolve(file.group()))) {
                missing.add(file.group());
            }
        }
        assertThat(missing).as("source files the README names in its text that the repository lacks").isEmpty();
    }
}
