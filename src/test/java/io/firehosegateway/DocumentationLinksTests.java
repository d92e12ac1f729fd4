package io.firehosegateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the README, the changelog, SECURITY.md and docs/ leads to a file of the
 * repository, and a link to a heading ({@code file.md#heading}) to a heading that file has: the
 * README sends a newcomer into docs/, and a link that leads nowhere, or out of the repository,
 * strands them.
 */
class DocumentationLinksTests {

    private static final Path ROOT = Path.of("").toAbsolutePath().normalize();

    /** {@code [text](target)} or {@code [text](target "title")}; images too. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

    /** A fenced block, whose brackets are code, not links. */
    private static final Pattern FENCE = Pattern.compile("^```.*?^```", Pattern.MULTILINE | Pattern.DOTALL);

    /** An inline code span, one or two backticks. */
    private static final Pattern CODE_SPAN = Pattern.compile("``.+?``|`[^`\\n]+`");

    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+?)\\s*#*$", Pattern.MULTILINE);

    @Test
    void everyRelativeLinkInTheDocsResolvesInsideTheRepository() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).contains(ROOT.resolve("README.md"), ROOT.resolve("docs/configuration.md"));

        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : documents) {
            for (String target : links(document)) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto: and the like leave the repository on purpose
                }
                checked++;
                String problem = problem(document, target);
                if (problem != null) {
                    broken.add(ROOT.relativize(document) + ": (" + target + ") " + problem);
                }
            }
        }

        assertThat(checked).as("relative links found").isPositive();
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void theReadmeLinksIntoEveryDocument() throws IOException {
        Set<Path> linked = new TreeSet<>();
        Path readme = ROOT.resolve("README.md");
        for (String target : links(readme)) {
            if (!target.contains(":") && !target.startsWith("#")) {
                linked.add(readme.getParent()
                        .resolve(target.replaceFirst("#.*", ""))
                        .normalize());
            }
        }
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            assertThat(linked)
                    .as("the README's map of docs/")
                    .containsAll(
                            docs.filter(file -> file.toString().endsWith(".md")).toList());
        }
    }

    /** Why the link does not resolve, or null when it does. */
    private static String problem(Path document, String target) throws IOException {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved =
                file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!resolved.startsWith(ROOT)) {
            return "is outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "names no file";
        }
        if (anchor != null
                && resolved.toString().endsWith(".md")
                && !anchors(resolved).contains(anchor)) {
            return "names no heading of " + ROOT.relativize(resolved);
        }
        return null;
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>();
        for (String name : List.of("README.md", "CHANGELOG.md", "SECURITY.md")) {
            documents.add(ROOT.resolve(name));
        }
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    private static List<String> links(Path document) throws IOException {
        String text = withoutCode(Files.readString(document));
        List<String> targets = new ArrayList<>();
        Matcher links = LINK.matcher(text);
        while (links.find()) {
            targets.add(links.group(1));
        }
        return targets;
    }

    private static String withoutCode(String markdown) {
        return CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
    }

    /** The anchors GitHub gives the headings of a Markdown file. */
    private static Set<String> anchors(Path document) throws IOException {
        Set<String> anchors = new TreeSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher headings =
                HEADING.matcher(FENCE.matcher(Files.readString(document)).replaceAll(""));
        while (headings.find()) {
            String slug = headings.group(1)
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-');
            int times = seen.merge(slug, 1, Integer::sum);
            anchors.add(times == 1 ? slug : slug + "-" + (times - 1));
        }
        return anchors;
    }
}
