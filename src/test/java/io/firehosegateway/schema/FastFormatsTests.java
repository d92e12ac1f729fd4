package io.firehosegateway.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.ExecutionContext;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.format.Format;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Differential tests: each shortcut format must give networknt's own format's answer on every input:
 * hand-picked edge cases, every one-character mutation of them, and a seeded random fuzz.
 */
class FastFormatsTests {

    private static final int FUZZ = 30_000;

    /** Characters the mutations put in: each format's own, its separators, the wrong case, and unicode. */
    private static final String COMMON = "aA0zZ9.-:@ _+\"[]()\\\t\n\r\u00e9\u00a0\u2003\u3002\uff10\u0660/";

    private static final ExecutionContext CONTEXT = SchemaRegistry.withDefaultDialect(
                    SpecificationVersion.DRAFT_2020_12)
            .getSchema("{}")
            .createExecutionContext();

    private static FastPathFormat format(String name) {
        return FastFormats.FORMATS.stream()
                .filter(format -> format.getName().equals(name))
                .map(FastPathFormat.class::cast)
                .findFirst()
                .orElseThrow();
    }

    /** The first inputs (at most 10) on which the two formats differ, each with both answers. */
    private static List<String> differences(FastPathFormat fast, Set<String> inputs) {
        Format networknt = fast.networknt();
        List<String> differing = new ArrayList<>();
        for (String input : inputs) {
            boolean expected = networknt.matches(CONTEXT, input);
            boolean actual = fast.matches(CONTEXT, input);
            if (expected != actual && differing.size() < 10) {
                differing.add(printable(input) + " networknt=" + expected + " fast=" + actual);
            }
        }
        return differing;
    }

    private static String printable(String input) {
        StringBuilder out = new StringBuilder("\"");
        input.codePoints()
                .forEach(c -> out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04x", c)));
        return out.append('"').toString();
    }

    /** The seeds, and for each seed every position replaced by each mutation character, deleted, doubled, and case-swapped. */
    private static Set<String> mutations(List<String> seeds, String alphabet) {
        Set<String> all = new LinkedHashSet<>(seeds);
        for (String seed : seeds) {
            all.add(seed.toUpperCase(Locale.ROOT));
            all.add(seed.toLowerCase(Locale.ROOT));
            all.add(" " + seed);
            all.add(seed + " ");
            all.add(seed + "\n");
            for (int i = 0; i < seed.length(); i++) {
                String before = seed.substring(0, i);
                String after = seed.substring(i + 1);
                char c = seed.charAt(i);
                all.add(before + after);
                all.add(before + c + c + after);
                all.add(before
                        + (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c))
                        + after);
                for (int j = 0; j < alphabet.length(); j++) {
                    all.add(before + alphabet.charAt(j) + after);
                }
            }
        }
        return all;
    }

    private static Set<String> fuzz(Random random, Supplier<String> generator) {
        Set<String> all = new LinkedHashSet<>();
        for (int i = 0; i < FUZZ; i++) {
            String value = generator.get();
            if (random.nextInt(4) == 0 && !value.isEmpty()) {
                int at = random.nextInt(value.length());
                value = value.substring(0, at)
                        + COMMON.charAt(random.nextInt(COMMON.length()))
                        + value.substring(at + (random.nextBoolean() ? 1 : 0));
            }
            all.add(value);
        }
        for (int i = 0; i < FUZZ / 3; i++) {
            all.add(randomString(random, COMMON + "0123456789abcdefT", random.nextInt(40)));
        }
        return all;
    }

    private static String randomString(Random random, String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private static String digits(Random random, int count, int max) {
        return String.format("%0" + count + "d", random.nextInt(max + 1));
    }

    @Test
    void theShortcutsTakeTheBenchmarkEventsValues() {
        assertThat(EmailShape.obviouslyValid("ada@example.com")).isTrue();
        assertThat(DateTimeShape.obviouslyValid("2026-12-02T01:00:00.123Z")).isTrue();
        assertThat(Ipv4Shape.obviouslyValid("192.0.2.1")).isTrue();
        assertThat(UuidShape.obviouslyValid("0193a4a0-0000-7000-8000-000000000001"))
                .isTrue();
    }

    @Test
    void emailAnswersAsNetworkntDoes() {
        String label63 = "a".repeat(62) + "b";
        String label64 = "a".repeat(63) + "b";
        String longDomain = (label63 + ".").repeat(3) + "a".repeat(57) + ".com"; // 253 characters
        List<String> seeds = List.of(
                "ada@example.com",
                "first.last+tag@mail.example.co.uk",
                "a@b.de",
                "x_y-z@sub-domain.example.org",
                "o'brien@example.ie",
                "!#$%&'*+-/=?^_`{|}~@example.com",
                "user@localhost",
                "user@example.localhost",
                "user@example.localdomain",
                "user@example.local",
                "user@com",
                "user@.com",
                "user@[192.168.0.1]",
                "user@[IPv6:2001:db8::1]",
                "user@[300.1.1.1]",
                "\"quoted user\"@example.com",
                "\"a@b\"@example.com",
                "a\\@b@example.com",
                "a@b@example.com",
                "user@example.unknowntld",
                "user@example.com.",
                "user@example..com",
                "user@-example.com",
                "user@example-.com",
                "user@ex--ample.com",
                "user@1example.com",
                "user@example.c0m",
                "user@example.123",
                "user@123.456.789.012",
                "user@EXAMPLE.COM",
                "USER@Example.Museum",
                "user@example.xn--p1ai",
                "user@xn--bcher-kva.example",
                "user@b\u00fccher.de",
                "\u00fc@example.com",
                "user@example.\u0440\u0444",
                ".user@example.com",
                "user.@example.com",
                "us..er@example.com",
                "user@@example.com",
                "user@exa mple.com",
                "user\u00a0@example.com",
                "a".repeat(64) + "@example.com",
                "a".repeat(65) + "@example.com",
                "user@" + label63 + ".com",
                "user@" + label64 + ".com",
                "user@" + longDomain,
                "user@a" + longDomain,
                "@example.com",
                "user@",
                "");
        Set<String> inputs = mutations(seeds, COMMON + "!#'`~,;<>");
        Random random = new Random(14);
        List<String> tlds = List.of("com", "de", "museum", "xn--p1ai", "localhost", "local", "zz", "c0m", "co", "a");
        String localChars = "abcXYZ019.!#$%&'*+-/=?^_`{|}~\"\\ (),:;<>@[]\u00e9";
        String labelChars = "abcXYZ0189--._\u00fc";
        inputs.addAll(fuzz(random, () -> {
            StringBuilder email = new StringBuilder(
                    randomString(random, localChars, random.nextInt(8) == 0 ? 66 : 1 + random.nextInt(12)));
            email.append('@');
            int labels = random.nextInt(4);
            for (int i = 0; i < labels; i++) {
                email.append(randomString(random, labelChars, random.nextInt(10) == 0 ? 64 : 1 + random.nextInt(8)))
                        .append('.');
            }
            String tld = tlds.get(random.nextInt(tlds.size()));
            email.append(random.nextBoolean() ? tld : tld.toUpperCase(Locale.ROOT));
            return email.toString();
        }));
        inputs.addAll(fuzz(random, () -> randomString(random, "ab.@-", 1 + random.nextInt(12)) + ".com"));

        assertThat(differences(format("email"), inputs)).isEmpty();
    }

    @Test
    void dateTimeAnswersAsNetworkntDoes() {
        List<String> seeds = List.of(
                "2026-12-02T01:00:00.123Z",
                "2026-12-02T01:00:00Z",
                "2026-12-02T01:00:00+01:00",
                "2026-12-02T01:00:00.123456789-05:30",
                "2026-12-02T01:00:00.1234567890Z",
                "2026-12-02T01:00:00.Z",
                "2024-02-29T23:59:59Z",
                "2023-02-29T00:00:00Z",
                "2000-02-29T00:00:00Z",
                "2100-02-29T00:00:00Z",
                "2026-04-31T00:00:00Z",
                "2026-12-31T23:59:59Z",
                "2026-12-02T24:00:00Z",
                "2026-12-02T23:60:00Z",
                "2016-12-31T23:59:60Z",
                "2015-06-30T23:59:60Z",
                "2026-06-30T23:59:60Z",
                "2026-12-02T12:00:60Z",
                "2026-12-02t01:00:00z",
                "2026-12-02 01:00:00Z",
                "0000-01-01T00:00:00Z",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999+17:59",
                "2026-12-02T01:00:00+18:00",
                "2026-12-02T01:00:00-18:00",
                "2026-12-02T01:00:00+18:01",
                "2026-12-02T01:00:00+19:00",
                "2026-12-02T01:00:00-00:00",
                "2026-12-02T01:00:00+00:00",
                "2026-12-02T01:00:00+0100",
                "2026-12-02T01:00:00+01:60",
                "2026-12-02T01:00:00+01x00",
                "2026-12-02T01:00Z",
                "2026-12-02T01:00:00",
                "2026-12-02T01:00:00.123",
                "2026-12-02",
                "2026-13-01T00:00:00Z",
                "2026-00-10T00:00:00Z",
                "2026-01-00T00:00:00Z",
                "2026-01-32T00:00:00Z",
                "+2026-12-02T01:00:00Z",
                "2026-12-02T01:00:00\u0660Z",
                "");
        Set<String> inputs = mutations(seeds, COMMON + "0123456789TtZz+,");
        Random random = new Random(14);
        inputs.addAll(fuzz(random, () -> {
            StringBuilder value = new StringBuilder()
                    .append(digits(random, 4, random.nextInt(8) == 0 ? 3 : 9999))
                    .append('-')
                    .append(digits(random, 2, 13))
                    .append('-')
                    .append(digits(random, 2, 32))
                    .append("TTt ".charAt(random.nextInt(4)))
                    .append(digits(random, 2, 24))
                    .append(':')
                    .append(digits(random, 2, 60))
                    .append(':')
                    .append(digits(random, 2, 61));
            int fraction = random.nextInt(12);
            if (fraction > 0) {
                value.append('.').append(randomString(random, "0123456789", fraction - 1));
            }
            switch (random.nextInt(4)) {
                case 0 -> value.append(random.nextInt(5) == 0 ? "z" : "Z");
                case 1 -> {}
                default ->
                    value.append(random.nextBoolean() ? '+' : '-')
                            .append(digits(random, 2, 19))
                            .append(':')
                            .append(digits(random, 2, 60));
            }
            return value.toString();
        }));

        assertThat(differences(format("date-time"), inputs)).isEmpty();
    }

    @Test
    void uuidAnswersAsNetworkntDoes() {
        List<String> seeds = List.of(
                "0193a4a0-0000-7000-8000-000000000001",
                "0193A4A0-FFFF-7000-8000-ABCDEFabcdef",
                "00000000-0000-0000-0000-000000000000",
                "0193a4a00000-7000-8000-000000000001",
                "{0193a4a0-0000-7000-8000-000000000001}",
                "0193a4a0-0000-7000-8000-00000000000g",
                "0193a4a0-0000-7000-8000-0000000000001",
                "");
        Set<String> inputs = mutations(seeds, COMMON + "0fFgG-\uff21");
        Random random = new Random(14);
        String hex = "0123456789abcdefABCDEF";
        inputs.addAll(fuzz(
                random,
                () -> randomString(random, hex, 8) + "-" + randomString(random, hex, 4) + "-"
                        + randomString(random, hex, 4) + "-" + randomString(random, hex, 4) + "-"
                        + randomString(random, hex, 11 + random.nextInt(3))));

        assertThat(differences(format("uuid"), inputs)).isEmpty();
    }

    @Test
    void ipv4AnswersAsNetworkntDoes() {
        List<String> seeds = List.of(
                "192.0.2.1",
                "0.0.0.0",
                "255.255.255.255",
                "256.0.0.1",
                "1.2.3.256",
                "01.2.3.4",
                "1.2.3.04",
                "1.2.3.00",
                "1.2.3",
                "1.2.3.4.5",
                "1..2.3",
                "1.2.3.4.",
                ".1.2.3.4",
                "1000.2.3.4",
                "::1",
                "");
        Set<String> inputs = mutations(seeds, COMMON + "0123456789");
        Random random = new Random(14);
        inputs.addAll(fuzz(random, () -> {
            int octets = 3 + random.nextInt(3);
            StringBuilder value = new StringBuilder();
            for (int i = 0; i < octets; i++) {
                if (i > 0) {
                    value.append('.');
                }
                value.append(random.nextInt(6) == 0 ? "0" : "")
                        .append(random.nextInt(random.nextBoolean() ? 300 : 1000));
            }
            return value.toString();
        }));

        assertThat(differences(format("ipv4"), inputs)).isEmpty();
    }
}
