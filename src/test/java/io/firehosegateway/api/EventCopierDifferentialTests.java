package io.firehosegateway.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.event.Event;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.problem.ProblemException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.util.unit.DataSize;

/**
 * Sending the bytes the client sent ({@link EventCopier}) against writing every event again ({@link
 * EventWriter}, the parser before the copy): for every body of the bad-input and fuzz corpora and
 * for generated events, under several limits, both give byte-equal records or the same problem.
 */
class EventCopierDifferentialTests {

    private static final Pipeline pipeline = EventBodyParserTests.newPipeline();

    /** An id the gateway added: random on each side, so compared by its place only. */
    private static final Pattern ADDED_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    private static final Path FUZZ_CORPUS = Path.of(
            "src/test/resources/io/firehosegateway/api/EventsFuzzTestsInputs/anyBytesGetATwoOrFourHundredAnswer");

    private static final List<ApiProperties> LIMITS = List.of(
            EventBodyParserTests.limits(64, 1048576, 100, DataSize.ofMegabytes(1)),
            EventBodyParserTests.limits(4, 40, 12, DataSize.ofKilobytes(2)));

    /** For each of {@link #LIMITS}: the parser that writes every event again, and the one that copies. */
    private static final List<EventBodyParser[]> PARSERS = LIMITS.stream()
            .map(limits ->
                    new EventBodyParser[] {new EventBodyParser(limits, false), new EventBodyParser(limits, true)})
            .toList();

    private static final int[] MAX_EVENT_BYTES = {60, 300, EventBodyParserTests.MAX_RECORD_BYTES};

    private static final String[] RESERVED_MEMBERS = {null, "_meta"};

    private int events;
    private int problems;

    @AfterAll
    static void stopPipeline() {
        pipeline.stop();
    }

    @Test
    void theFuzzAndBadInputCorporaGiveTheSameRecordsOrTheSameProblems() throws IOException {
        List<byte[]> bodies = new ArrayList<>();
        try (Stream<Path> files = Files.list(FUZZ_CORPUS)) {
            for (Path file : files.sorted().toList()) {
                byte[] input = Files.readAllBytes(file);
                bodies.add(input);
                bodies.add(FuzzedRequest.of(input).body());
            }
        }
        BadInputIntegrationTests.badRequests()
                .map(BadInputIntegrationTests.BadRequest::body)
                .filter(body -> body != null)
                .forEach(bodies::add);
        bodies.forEach(this::compareEverywhere);
        assertThat(events).as("events compared").isGreaterThan(100);
        assertThat(problems).as("problems compared").isGreaterThan(100);
    }

    @Test
    void generatedEventsGiveTheSameRecordsOrTheSameProblems() {
        Random random = new Random(24);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            int count = 1 + random.nextInt(4);
            List<String> objects = new ArrayList<>();
            for (int e = 0; e < count; e++) {
                objects.add(object(random, 1));
            }
            String space = space(random);
            compareEverywhere(("[" + space + String.join("," + space(random), objects) + space + "]").getBytes(UTF_8));
            compareEverywhere(objects.get(0).getBytes(UTF_8));
            // A line break inside a line would end it: NDJSON gets the events without them.
            compareEverywhere(String.join(
                            "\n",
                            objects.stream()
                                    .map(o -> o.replaceAll("[\r\n]", " "))
                                    .toList())
                    .getBytes(UTF_8));
            all.addAll(objects);
        }
        // Far larger than what the recording keeps at first: it drops the events already framed.
        compareEverywhere(("[" + String.join(",\n", all) + "]").getBytes(UTF_8));
        assertThat(events).as("events compared").isGreaterThan(10_000);
        assertThat(problems).as("problems compared").isGreaterThan(1_000);
    }

    private void compareEverywhere(byte[] body) {
        for (EventBodyParser[] parsers : PARSERS) {
            for (int maxEventBytes : MAX_EVENT_BYTES) {
                for (String reservedMember : RESERVED_MEMBERS) {
                    for (EventFormat format : List.of(EventFormat.JSON, EventFormat.NDJSON)) {
                        String written = outcome(parsers[0], body, format, maxEventBytes, reservedMember);
                        String copied = outcome(parsers[1], body, format, maxEventBytes, reservedMember);
                        assertThat(copied)
                                .as(
                                        "%s body %s, %d bytes at most, reserved %s",
                                        format, new String(body, UTF_8), maxEventBytes, reservedMember)
                                .isEqualTo(written);
                    }
                }
            }
        }
    }

    private String outcome(
            EventBodyParser parser, byte[] body, EventFormat format, int maxEventBytes, String reservedMember) {
        try (Admission admission = pipeline.admit()) {
            List<Event> parsed = parser.parse(stream(body), format, admission, maxEventBytes, reservedMember);
            StringBuilder outcome = new StringBuilder("events");
            for (Event event : parsed) {
                events++;
                outcome.append('\n')
                        .append(masked(event.id()))
                        .append(' ')
                        .append(masked(new String(event.framed(), UTF_8)));
            }
            return outcome.toString();
        } catch (ProblemException e) {
            problems++;
            ProblemDetail problem = e.toProblemDetail();
            Map<String, Object> properties =
                    new TreeMap<>(problem.getProperties() == null ? Map.of() : problem.getProperties());
            properties.replaceAll((name, value) -> value instanceof String text ? masked(text) : value);
            return "problem " + e.type() + " " + problem.getDetail() + " " + properties;
        }
    }

    private static String masked(String text) {
        return ADDED_ID.matcher(text).replaceAll("<added id>");
    }

    private static InputStream stream(byte[] body) {
        return new ByteArrayInputStream(body);
    }

    private static String object(Random random, int depth) {
        StringBuilder object = new StringBuilder("{").append(space(random));
        int members = random.nextInt(depth == 1 ? 6 : 3);
        for (int m = 0; m < members; m++) {
            if (m > 0) {
                object.append(space(random)).append(',').append(space(random));
            }
            String name =
                    depth == 1 && random.nextInt(4) == 0 ? pick(random, "id", "_meta", "i\\u0064") : string(random);
            object.append(name.startsWith("\"") ? name : '"' + name + '"')
                    .append(space(random))
                    .append(':')
                    .append(space(random))
                    .append(value(random, depth));
        }
        return object.append(space(random)).append('}').toString();
    }

    private static String value(Random random, int depth) {
        return switch (random.nextInt(depth < 4 ? 8 : 6)) {
            case 0, 1 -> string(random);
            case 2 -> pick(random, "0", "-1", "1.10", "1e400", "-0.0", "12345678901234567890123", "1E+2", "3.14159");
            case 3 -> pick(random, "true", "false", "null");
            case 4 -> '"' + "x".repeat(random.nextInt(80)) + '"';
            case 5 -> pick(random, "\"0190f5a2-1c3b-7def-8abc-0123456789ab\"", "\"\"", "7");
            case 6 -> object(random, depth + 1);
            default -> {
                StringBuilder array = new StringBuilder("[").append(space(random));
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    if (i > 0) {
                        array.append(',').append(space(random));
                    }
                    array.append(value(random, depth + 1));
                }
                yield array.append(space(random)).append(']').toString();
            }
        };
    }

    private static String string(Random random) {
        StringBuilder text = new StringBuilder("\"");
        int parts = random.nextInt(6);
        for (int p = 0; p < parts; p++) {
            text.append(pick(
                    random,
                    "abc",
                    " ",
                    "\\\"",
                    "\\\\",
                    "\\/",
                    "/",
                    "\\n",
                    "\\t",
                    "\\r",
                    "\\b",
                    "\\f",
                    "\\u00e9",
                    "\\u001f",
                    "\\u0041",
                    "\\ud83d\\ude00",
                    "\\ud83d",
                    "\u00e9",
                    "\ud83d\ude00",
                    "\u2028",
                    "\u007f",
                    "\u4e2d\u6587"));
        }
        return text.append('"').toString();
    }

    private static String space(Random random) {
        return pick(random, "", "", "", "", " ", "\n", "\t", "\r\n  ");
    }

    private static String pick(Random random, String... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
