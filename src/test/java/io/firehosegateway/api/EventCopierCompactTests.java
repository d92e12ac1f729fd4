package io.firehosegateway.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scan that copies runs equals the byte-at-a-time copy it replaced, on random JSON of every shape it meets. */
class EventCopierCompactTests {

    private static final String[] WHITESPACE = {"", "", " ", "  ", "\t", "\n", "\r\n", " \t\n "};
    private static final String[] ESCAPES = {"\\\"", "\\\\", "\\/", "\\n", "\\t", "\\r", "\\b", "\\f", "\\u00e9"};
    private static final String[] CHARACTERS = {"a", "Z", "0", " ", "\t", "é", "€", "\ud83d\ude00", "'", "{", ":", ","};

    @Test
    void copiesEveryRandomObjectAsTheByteLoopDid() {
        SplittableRandom random = new SplittableRandom(24);
        int compacted = 0;
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            StringBuilder json = new StringBuilder();
            object(json, random, 0);
            String text = json.toString();
            byte[] event = text.getBytes(UTF_8);
            // Bytes before and after the event that neither copy may read.
            int before = random.nextInt(12);
            byte[] in = new byte[before + event.length + random.nextInt(12)];
            Arrays.fill(in, (byte) '"');
            System.arraycopy(event, 0, in, before, event.length);
            int maxStringLength = random.nextInt(4) == 0 ? random.nextInt(40) : 10_000;

            GrowableBytes expected = new GrowableBytes(1 + random.nextInt(64));
            GrowableBytes actual = new GrowableBytes(1 + random.nextInt(64));
            boolean oracle = CompactOracle.compact(in, before, before + event.length, maxStringLength, expected);
            boolean fast = EventCopier.compact(in, before, before + event.length, maxStringLength, actual);

            assertThat(fast).as("%s", text).isEqualTo(oracle);
            if (oracle) {
                assertThat(Arrays.copyOf(actual.buffer(), actual.size()))
                        .as("%s", text)
                        .isEqualTo(Arrays.copyOf(expected.buffer(), expected.size()));
                compacted++;
            } else {
                refused++;
            }
        }
        // Both outcomes were exercised, so neither branch passed for want of cases.
        assertThat(compacted).isGreaterThan(1_000);
        assertThat(refused).isGreaterThan(1_000);
    }

    private static void object(StringBuilder json, SplittableRandom random, int depth) {
        json.append('{').append(space(random));
        int members = random.nextInt(depth == 0 ? 8 : 4);
        for (int m = 0; m < members; m++) {
            if (m > 0) {
                json.append(',').append(space(random));
            }
            string(json, random);
            json.append(space(random)).append(':').append(space(random));
            value(json, random, depth);
            json.append(space(random));
        }
        json.append('}');
    }

    private static void value(StringBuilder json, SplittableRandom random, int depth) {
        switch (random.nextInt(depth < 3 ? 7 : 5)) {
            case 0, 1 -> string(json, random);
            case 2 -> json.append(random.nextInt(-1000, 1000)).append(random.nextBoolean() ? ".5e3" : "");
            case 3 -> json.append(random.nextBoolean() ? "true" : "null");
            case 4 -> json.append("false");
            case 5 -> object(json, random, depth + 1);
            default -> {
                json.append('[').append(space(random));
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    if (i > 0) {
                        json.append(space(random)).append(',').append(space(random));
                    }
                    value(json, random, depth + 1);
                }
                json.append(space(random)).append(']');
            }
        }
    }

    /** Strings of lengths around the 8-byte steps, plain ASCII mostly, with escapes and multi-byte characters. */
    private static void string(StringBuilder json, SplittableRandom random) {
        json.append('"');
        int length = random.nextInt(4) == 0 ? random.nextInt(80) : random.nextInt(20);
        int oddity = random.nextInt(3) == 0 ? 8 : 50;
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(oddity);
            if (pick == 0) {
                json.append(ESCAPES[random.nextInt(random.nextInt(4) == 0 ? ESCAPES.length : ESCAPES.length - 1)]);
            } else if (pick == 1) {
                json.append(CHARACTERS[random.nextInt(CHARACTERS.length)]);
            } else {
                json.append((char) ('a' + random.nextInt(26)));
            }
        }
        json.append('"');
    }

    private static String space(SplittableRandom random) {
        return WHITESPACE[random.nextInt(WHITESPACE.length)];
    }
}
