package io.firehosegateway.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.support.AcceptingSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parser alone: how events are framed and given ids, and which problem each bad body gets.
 *
 * <p>{@link Admission} can only be opened by a {@link Pipeline}, so the tests build a real one over
 * a sink that is never called: the parser only reserves room, it never submits.
 */
class EventBodyParserTests {

    /** Firehose's largest record, the limit these tests give the parser. */
    static final int MAX_RECORD_BYTES = 1000 * 1024;

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final Pipeline pipeline = newPipeline();

    private static final ApiProperties DEFAULTS = limits(64, 1048576, 100, DataSize.ofMegabytes(1));

    /** A pipeline for opening admissions, over a sink that is never called. */
    static Pipeline newPipeline() {
        return new Pipeline(
                new PipelineProperties(
                        io.firehosegateway.sink.SinkKind.FIREHOSE,
                        "events",
                        Map.of(),
                        new PipelineProperties.Buffer(
                                1_000_000, DataSize.ofGigabytes(1), Duration.ofSeconds(1), 1.0, 1.0),
                        new PipelineProperties.Delivery(
                                DeliveryMode.BUFFERED,
                                Duration.ofSeconds(10),
                                Duration.ofSeconds(30),
                                Duration.ZERO,
                                java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "parser-tests-dead-letter"),
                                Duration.ofMillis(5),
                                true,
                                true,
                                true,
                                1,
                                Duration.ofMillis(50),
                                Duration.ofSeconds(1)),
                        1),
                java.util.List.of(new AcceptingSink()),
                new GatewayMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(),
                null);
    }

    @AfterAll
    static void stopPipeline() {
        pipeline.stop();
    }

    @Nested
    class Framing {

        @Test
        void writesTheEventCompactlyWithMembersInTheirOrderAndANewlineAtTheEnd() {
            String event = framed("{ \"id\" : \"e-1\" ,\n\t\"z\" : [ 1 , true , null , false ] ,\r\n"
                    + "  \"a\" : { \"y\" : { } , \"x\" : [ ] } , \"m\" : \"v\" }");

            assertThat(event)
                    .isEqualTo("{\"id\":\"e-1\",\"z\":[1,true,null,false],\"a\":{\"y\":{},\"x\":[]},\"m\":\"v\"}\n");
        }

        @Test
        void keepsNumbersAsWritten() {
            String body = "{\"id\":\"n\",\"a\":1.10,\"b\":1e400,\"c\":-0,\"d\":12345678901234567890,"
                    + "\"e\":-1.5E-7,\"f\":0.000000000000000000000000001,\"g\":1E+2,\"h\":[100,2.50]}";

            assertThat(framed(body)).isEqualTo(body + "\n");
        }

        @Test
        void keepsStringsWithEscapesAndUnicode() {
            String body = "{\"id\":\"s\",\"quote\":\"say \\\"hi\\\"\",\"back\":\"a\\\\b\",\"lines\":\"1\\n2\\r\\t3\","
                    + "\"text\":\"caf\u00e9 \u65e5\u672c \u20ac\",\"control\":\"\\u0001\"}";

            assertThat(framed(body)).isEqualTo(body + "\n");
        }

        @Test
        void decodesOptionalEscapesToTheSameString() {
            // \/ and \\u escapes of printable characters are optional in JSON; only the value must stay.
            String event = framed("{\"id\":\"s\",\"slash\":\"a\\/b\",\"letter\":\"\\u0041\",\"e\":\"\\u00e9\"}");

            assertThat(event).isEqualTo("{\"id\":\"s\",\"slash\":\"a/b\",\"letter\":\"A\",\"e\":\"\u00e9\"}\n");
        }

        @Test
        void keepsCharactersOutsideTheBasicPlaneAsWritten() {
            String emoji = "\uD83D\uDE00 \uD834\uDD1E";
            String event = framed("{\"id\":\"u\",\"emoji\":\"" + emoji + "\",\"" + emoji + "\":1}");

            assertThat(event).isEqualTo("{\"id\":\"u\",\"emoji\":\"" + emoji + "\",\"" + emoji + "\":1}\n");
            JsonNode node = json.readTree(event);
            assertThat(node.get("emoji").asString()).isEqualTo(emoji);
            assertThat(node.get(emoji).asInt()).isEqualTo(1);
        }

        @Test
        void framesEveryEventOfAnArrayAndOfNdjsonTheSameWay() {
            List<Event> array = parse("[{\"id\":\"a\",\"n\":1} , {\"id\":\"b\",\"n\":2}]", EventFormat.JSON);
            List<Event> ndjson = parse("{\"id\":\"a\", \"n\":1}\n{\"id\":\"b\",\"n\" : 2}\n", EventFormat.NDJSON);

            assertThat(array)
                    .extracting(EventBodyParserTests::text)
                    .containsExactly("{\"id\":\"a\",\"n\":1}\n", "{\"id\":\"b\",\"n\":2}\n");
            assertThat(ndjson)
                    .extracting(EventBodyParserTests::text)
                    .containsExactly("{\"id\":\"a\",\"n\":1}\n", "{\"id\":\"b\",\"n\":2}\n");
        }

        @Test
        void reservesBufferRoomForEveryEvent() {
            try (Admission admission = pipeline.admit()) {
                List<Event> events = new EventBodyParser(DEFAULTS)
                        .parse(
                                stream("[{\"a\":1},{\"b\":2},{\"c\":3}]"),
                                EventFormat.JSON,
                                admission,
                                MAX_RECORD_BYTES);

                assertThat(events).hasSize(3);
                assertThat(admission.records()).isEqualTo(3);
            }
        }
    }

    @Nested
    class Ids {

        @Test
        void keepsTheEventsOwnStringId() {
            Event event = single("{\"a\":1,\"id\":\"order-42\"}");

            assertThat(event.id()).isEqualTo("order-42");
            assertThat(text(event)).isEqualTo("{\"a\":1,\"id\":\"order-42\"}\n");
        }

        @Test
        void addsAVersion7UuidAsTheFirstMemberWhenThereIsNoId() {
            long before = System.currentTimeMillis();
            Event event = single("{\"a\":1,\"b\":{\"id\":\"nested ids are not the event's\"}}");

            UUID id = UUID.fromString(event.id());
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, System.currentTimeMillis());
            assertThat(text(event))
                    .isEqualTo("{\"id\":\"" + id + "\",\"a\":1,\"b\":{\"id\":\"nested ids are not the event's\"}}\n");
        }

        @Test
        void givesAnEmptyObjectOnlyAnId() {
            Event event = single("{}");

            assertThat(UUID.fromString(event.id()).version()).isEqualTo(7);
            assertThat(text(event)).isEqualTo("{\"id\":\"" + event.id() + "\"}\n");
        }

        @Test
        void givesEachEventItsOwnId() {
            List<Event> events = parse("[{},{},{}]", EventFormat.JSON);

            assertThat(events).extracting(Event::id).doesNotHaveDuplicates();
        }

        @Test
        void refusesAnIdThatIsNotANonEmptyString() {
            for (String id : List.of("5", "\"\"", "null", "true", "{\"v\":\"x\"}", "[\"x\"]")) {
                ProblemException problem =
                        problem("[{\"id\":\"ok\"},{\"a\":1,\"id\":" + id + "}]", EventFormat.JSON, DEFAULTS);

                assertThat(problem.type()).as(id).isEqualTo(ProblemType.INVALID_EVENT);
                assertThat(property(problem, "index")).as(id).isEqualTo(1);
            }
        }

        @Test
        void keepsIdsOfUpTo512CharactersAndRefusesLongerOnes() {
            String longest = "i".repeat(EventBodyParser.MAX_ID_LENGTH);
            assertThat(single("{\"id\":\"" + longest + "\"}").id()).isEqualTo(longest);

            ProblemException problem = problem("{\"id\":\"" + longest + "x\"}", EventFormat.JSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.INVALID_EVENT);
        }

        @Test
        void countsAnIdsLengthInCodePointsNotUtf16Units() {
            String emoji = "\uD83D\uDE00";
            String longest = emoji.repeat(EventBodyParser.MAX_ID_LENGTH);
            assertThat(single("{\"id\":\"" + longest + "\"}").id()).isEqualTo(longest);

            ProblemException problem = problem("{\"id\":\"" + longest + "x\"}", EventFormat.JSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.INVALID_EVENT);
            assertThat(problem.getMessage()).contains("code points");
        }

        @Test
        void refusesADuplicateId() {
            ProblemException problem = problem("{\"id\":\"a\",\"id\":\"b\"}", EventFormat.JSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.MALFORMED_JSON);
        }
    }

    @Nested
    class Ndjson {

        @Test
        void toleratesCrlfBlankLinesAndALastLineWithoutNewline() {
            List<Event> events =
                    parse("\r\n{\"id\":\"a\"}\r\n\r\n   \n\t\r\n{\"id\":\"b\"}\n\n{\"id\":\"c\"}", EventFormat.NDJSON);

            assertThat(events)
                    .extracting(EventBodyParserTests::text)
                    .containsExactly("{\"id\":\"a\"}\n", "{\"id\":\"b\"}\n", "{\"id\":\"c\"}\n");
        }

        @Test
        void refusesTwoValuesOnOneLine() {
            for (String second : List.of(" {\"id\":\"c\"}", "{\"id\":\"c\"}", " 5", " x")) {
                ProblemException problem =
                        problem("{\"id\":\"a\"}\n{\"id\":\"b\"}" + second + "\n", EventFormat.NDJSON, DEFAULTS);

                assertThat(problem.type()).as(second).isEqualTo(ProblemType.MALFORMED_JSON);
                assertThat(property(problem, "line")).as(second).isEqualTo(2);
                assertThat(property(problem, "index")).as(second).isEqualTo(1);
            }
        }

        @Test
        void namesTheLineCountingBlankLinesAndTheIndexCountingEvents() {
            ProblemException problem =
                    problem("{\"id\":\"a\"}\n\n{\"id\":\"b\"}\r\n{\"id\":\"c\",}\n", EventFormat.NDJSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.MALFORMED_JSON);
            assertThat(property(problem, "line")).isEqualTo(4);
            assertThat(property(problem, "index")).isEqualTo(2);
        }

        @Test
        void refusesALineThatIsNotAnObject() {
            for (String line : List.of("[{\"id\":\"c\"}]", "\"text\"", "42", "null")) {
                ProblemException problem = problem("{\"id\":\"a\"}\n" + line + "\n", EventFormat.NDJSON, DEFAULTS);

                assertThat(problem.type()).as(line).isEqualTo(ProblemType.INVALID_EVENT);
                assertThat(property(problem, "line")).as(line).isEqualTo(2);
            }
        }

        @Test
        void refusesAnObjectSpreadOverTwoLines() {
            ProblemException problem = problem("{\"id\":\"a\",\n\"b\":1}\n", EventFormat.NDJSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.MALFORMED_JSON);
            assertThat(property(problem, "line")).isEqualTo(1);
        }

        @Test
        void refusesABodyOfBlankLines() {
            ProblemException problem = problem("\n \r\n\t\n", EventFormat.NDJSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.EMPTY_REQUEST);
        }

        @Test
        void refusesALineOverTheLimitNamingIt() {
            ApiProperties limits = limits(64, 1048576, 100, DataSize.ofBytes(100));
            String longLine = "{\"id\":\"b\",\"p\":\"" + "x".repeat(100) + "\"}";

            ProblemException problem = problem("{\"id\":\"a\"}\n" + longLine + "\n", EventFormat.NDJSON, limits);

            assertThat(problem.type()).isEqualTo(ProblemType.LINE_TOO_LONG);
            assertThat(property(problem, "line")).isEqualTo(2);
        }

        @Test
        void takesALineExactlyAtTheLimit() {
            String line = "{\"id\":\"b\",\"p\":\"" + "x".repeat(83) + "\"}";
            assertThat(line).hasSize(100);

            List<Event> events =
                    parse(line + "\n", EventFormat.NDJSON, limits(64, 1048576, 100, DataSize.ofBytes(100)));

            assertThat(events).hasSize(1);
        }
    }

    @Nested
    class BadJson {

        @Test
        void refusesAnEmptyBodyOrAnEmptyArray() {
            for (String body : List.of("", "  \n ", "[]", "[ \n ]")) {
                assertThat(problem(body, EventFormat.JSON, DEFAULTS).type())
                        .as("'%s'", body)
                        .isEqualTo(ProblemType.EMPTY_REQUEST);
            }
        }

        @Test
        void refusesATopLevelValueThatIsNotAnObjectOrArray() {
            for (String body : List.of("\"text\"", "42", "null", "true")) {
                assertThat(problem(body, EventFormat.JSON, DEFAULTS).type())
                        .as(body)
                        .isEqualTo(ProblemType.INVALID_EVENT);
            }
        }

        @Test
        void namesTheIndexOfAnElementThatIsNotAnObject() {
            for (String element : List.of("5", "\"x\"", "null", "[{\"id\":\"c\"}]")) {
                ProblemException problem =
                        problem("[{\"id\":\"a\"},{\"id\":\"b\"}," + element + "]", EventFormat.JSON, DEFAULTS);

                assertThat(problem.type()).as(element).isEqualTo(ProblemType.INVALID_EVENT);
                assertThat(property(problem, "index")).as(element).isEqualTo(2);
            }
        }

        @Test
        void namesTheIndexOfAMalformedElement() {
            ProblemException problem =
                    problem("[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\" \"d\":1}]", EventFormat.JSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.MALFORMED_JSON);
            assertThat(property(problem, "index")).isEqualTo(2);
        }

        @Test
        void refusesMalformedJson() {
            for (String body : List.of(
                    "{",
                    "{\"a\":}",
                    "{\"a\":1,}",
                    "{'a':1}",
                    "{a:1}",
                    "{\"a\":01}",
                    "{\"a\":NaN}",
                    "{\"a\":1}}",
                    "{\"a\":1} {\"b\":2}",
                    "[{\"a\":1}] x",
                    "[{\"a\":1}",
                    "{\"a\":\"unterminated}",
                    "{\"a\":\"raw\ttab\"}",
                    "{\"a\":1,\"a\":2}")) {
                assertThat(problem(body, EventFormat.JSON, DEFAULTS).type())
                        .as(body)
                        .isEqualTo(ProblemType.MALFORMED_JSON);
            }
        }

        @Test
        void refusesInvalidUtf8NamingTheEvent() {
            byte[][] invalid = {
                {(byte) 0xFF}, // never valid
                {(byte) 0xE9}, // Latin-1 'é' sent as if UTF-8: a lead byte without its continuation
                {(byte) 0xC3, 'x'}, // a two-byte sequence cut short
                {(byte) 0x80}, // a continuation byte on its own
            };
            for (byte[] bad : invalid) {
                for (String where : List.of("value", "name")) {
                    byte[] body = where.equals("value")
                            ? concat("[{\"id\":\"a\"},{\"id\":\"b\",\"t\":\"caf", bad, "\"}]")
                            : concat("[{\"id\":\"a\"},{\"id\":\"b\",\"caf", bad, "\":1}]");

                    ProblemException problem = problem(body, EventFormat.JSON, DEFAULTS);

                    assertThat(problem.type()).as(where + " %02x", bad[0]).isEqualTo(ProblemType.INVALID_UTF8);
                    assertThat(property(problem, "index")).as(where).isEqualTo(1);
                }
            }
        }

        @Test
        void refusesOverlongFormsSurrogatesAndCodePointsPastTheLastOne() {
            byte[][] invalid = {
                {(byte) 0xC0, (byte) 0x80}, // overlong NUL
                {(byte) 0xC1, (byte) 0xBF}, // overlong
                {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, // overlong NUL in three bytes
                {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // overlong in four bytes
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate, U+D800
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // U+110000
                {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // five bytes
            };
            for (byte[] bad : invalid) {
                for (EventFormat format : EventFormat.values()) {
                    byte[] body = format == EventFormat.JSON
                            ? concat("[{\"id\":\"a\"},{\"id\":\"b\",\"t\":\"x", bad, "\"}]")
                            : concat("{\"id\":\"a\"}\n{\"id\":\"b\",\"t\":\"x", bad, "\"}\n");

                    ProblemException problem = problem(body, format, DEFAULTS);

                    assertThat(problem.type()).as("%s %02x", format, bad[0]).isEqualTo(ProblemType.INVALID_UTF8);
                    assertThat(property(problem, "index"))
                            .as("%s %02x", format, bad[0])
                            .isEqualTo(1);
                }
            }
        }

        @Test
        void namesTheEventWithTheBadByteEvenWhenItIsFarAheadOfTheParser() {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 2000; i++) {
                body.append("{\"id\":\"e-").append(i).append("\",\"text\":\"caf\u00e9 \u65e5\u672c\"},");
            }
            byte[] bytes = concat(body.toString() + "{\"id\":\"bad\",\"t\":\"", new byte[] {(byte) 0xE9}, "\"}]");

            ProblemException problem = problem(bytes, EventFormat.JSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.INVALID_UTF8);
            assertThat(property(problem, "index")).isEqualTo(2000);
        }

        @Test
        void refusesABodyEndingWithinAUtf8Sequence() {
            byte[] body = concat("{\"id\":\"a\"} ", new byte[] {(byte) 0xE6, (byte) 0x97}, "");

            assertThat(problem(body, EventFormat.JSON, DEFAULTS).type()).isEqualTo(ProblemType.INVALID_UTF8);
            assertThat(problem(body, EventFormat.NDJSON, DEFAULTS).type()).isEqualTo(ProblemType.INVALID_UTF8);
        }

        @Test
        void takesEveryWellFormedSequenceLength() {
            String text = "a \u00e9 \u0800 \uffef \ud7ff \ue000 \uD800\uDC00 \uDBFF\uDFFF";

            Event event = single("{\"id\":\"u\",\"t\":\"" + text + "\"}");

            assertThat(json.readTree(event.framed()).get("t").asString()).isEqualTo(text);
        }

        @Test
        void refusesInvalidUtf8InNdjsonNamingTheLine() {
            byte[] body = concat("{\"id\":\"a\"}\n{\"id\":\"b\",\"t\":\"caf", new byte[] {(byte) 0xE9}, "\"}\n");

            ProblemException problem = problem(body, EventFormat.NDJSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.INVALID_UTF8);
            assertThat(property(problem, "line")).isEqualTo(2);
        }
    }

    @Nested
    class Limits {

        @Test
        void takesNestingUpToTheLimitInEveryFormat() {
            String event = nested(8);
            ApiProperties limits = limits(8, 1048576, 100, DataSize.ofMegabytes(1));

            assertThat(parse(event, EventFormat.JSON, limits)).hasSize(1);
            assertThat(parse("[" + event + "," + event + "]", EventFormat.JSON, limits))
                    .hasSize(2);
            assertThat(parse(event + "\n" + event + "\n", EventFormat.NDJSON, limits))
                    .hasSize(2);
        }

        @Test
        void refusesNestingOverTheLimitNamingTheEvent() {
            ApiProperties limits = limits(8, 1048576, 100, DataSize.ofMegabytes(1));
            String deep = nested(9);

            assertThat(problem(deep, EventFormat.JSON, limits).type()).isEqualTo(ProblemType.NESTING_TOO_DEEP);
            ProblemException inArray = problem("[{\"id\":\"a\"}," + deep + "]", EventFormat.JSON, limits);
            assertThat(inArray.type()).isEqualTo(ProblemType.NESTING_TOO_DEEP);
            assertThat(property(inArray, "index")).isEqualTo(1);
            ProblemException inNdjson = problem("{\"id\":\"a\"}\n" + deep + "\n", EventFormat.NDJSON, limits);
            assertThat(inNdjson.type()).isEqualTo(ProblemType.NESTING_TOO_DEEP);
            assertThat(property(inNdjson, "line")).isEqualTo(2);
        }

        @Test
        void refusesAStringOrNameOverTheLimit() {
            ApiProperties limits = limits(64, 1000, 100, DataSize.ofMegabytes(1));
            String ok = "x".repeat(1000);
            String tooLong = "x".repeat(1001);

            assertThat(parse("{\"id\":\"a\",\"" + ok + "\":\"" + ok + "\"}", EventFormat.JSON, limits))
                    .hasSize(1);
            ProblemException value =
                    problem("[{\"id\":\"a\"},{\"id\":\"b\",\"t\":\"" + tooLong + "\"}]", EventFormat.JSON, limits);
            assertThat(value.type()).isEqualTo(ProblemType.JSON_LIMIT_EXCEEDED);
            assertThat(property(value, "index")).isEqualTo(1);
            ProblemException name =
                    problem("[{\"id\":\"a\"},{\"id\":\"b\",\"" + tooLong + "\":1}]", EventFormat.JSON, limits);
            assertThat(name.type()).isEqualTo(ProblemType.JSON_LIMIT_EXCEEDED);
            assertThat(property(name, "index")).isEqualTo(1);
        }

        @Test
        void refusesANumberOverTheLimit() {
            ProblemException problem =
                    problem("[{\"id\":\"a\",\"n\":" + "9".repeat(101) + "}]", EventFormat.JSON, DEFAULTS);
            ProblemException fraction =
                    problem("{\"id\":\"a\",\"n\":0." + "1".repeat(100) + "}", EventFormat.JSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.JSON_LIMIT_EXCEEDED);
            assertThat(property(problem, "index")).isEqualTo(0);
            assertThat(fraction.type()).isEqualTo(ProblemType.JSON_LIMIT_EXCEEDED);
        }

        @Test
        void takesAnEventOfExactlyTheLargestRecord() {
            String event = eventOfFramedSize("big", MAX_RECORD_BYTES);

            Event parsed = single(event);

            assertThat(parsed.size()).isEqualTo(MAX_RECORD_BYTES);
        }

        @Test
        void refusesAnEventOverTheLargestRecordNamingItsIndexAndId() {
            String event = eventOfFramedSize("big", MAX_RECORD_BYTES + 1);

            ProblemException array = problem("[{\"id\":\"a\"}," + event + "]", EventFormat.JSON, DEFAULTS);
            ProblemException ndjson = problem("{\"id\":\"a\"}\n\n" + event + "\n", EventFormat.NDJSON, DEFAULTS);

            assertThat(array.type()).isEqualTo(ProblemType.EVENT_TOO_LARGE);
            assertThat(property(array, "index")).isEqualTo(1);
            assertThat(property(array, "id")).isEqualTo("big");
            assertThat(ndjson.type()).isEqualTo(ProblemType.EVENT_TOO_LARGE);
            assertThat(property(ndjson, "index")).isEqualTo(1);
            assertThat(property(ndjson, "line")).isEqualTo(3);
            assertThat(property(ndjson, "id")).isEqualTo("big");
        }

        @Test
        void countsTheAddedIdInTheEventsSize() {
            // Fits as written, but not once the gateway's id is added in front.
            String withoutId = "{\"p\":\"" + "x".repeat(MAX_RECORD_BYTES - 10) + "\"}";

            ProblemException problem = problem(withoutId, EventFormat.JSON, DEFAULTS);

            assertThat(problem.type()).isEqualTo(ProblemType.EVENT_TOO_LARGE);
            assertThat(property(problem, "index")).isEqualTo(0);
            assertThat(UUID.fromString((String) property(problem, "id")).version())
                    .isEqualTo(7);
        }
    }

    static ApiProperties limits(int maxNestingDepth, int maxStringLength, int maxNumberLength, DataSize maxLineLength) {
        return new ApiProperties(
                DataSize.ofMegabytes(5),
                maxNestingDepth,
                maxStringLength,
                maxNumberLength,
                maxLineLength,
                1000,
                Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    /** An event whose objects and arrays nest {@code depth} deep, the event itself counting as 1. */
    private static String nested(int depth) {
        StringBuilder event = new StringBuilder("{\"id\":\"deep\",\"n\":");
        for (int level = 2; level <= depth; level++) {
            event.append(level % 2 == 0 ? "[" : "{\"n\":");
        }
        event.append("1");
        for (int level = depth; level >= 2; level--) {
            event.append(level % 2 == 0 ? "]" : "}");
        }
        return event.append("}").toString();
    }

    /** An event that is {@code size} bytes once framed, its newline included. */
    private static String eventOfFramedSize(String id, int size) {
        String prefix = "{\"id\":\"" + id + "\",\"p\":\"";
        String suffix = "\"}";
        return prefix + "x".repeat(size - 1 - prefix.length() - suffix.length()) + suffix;
    }

    @Nested
    class ReservedMember {

        @Test
        void anEventWithTheReservedMemberAtItsTopLevelIsRefusedNamingIt() {
            ProblemException problem = reservedProblem("{\"id\":\"a\"}\n{\"x\":1,\"_meta\":{}}\n", EventFormat.NDJSON);

            assertThat(problem.type()).isEqualTo(ProblemType.RESERVED_MEMBER);
            assertThat(property(problem, "index")).isEqualTo(1);
            assertThat(property(problem, "line")).isEqualTo(2);
            assertThat(property(problem, "member")).isEqualTo("_meta");
        }

        @Test
        void aNestedMemberOfThatNameIsTheEventsOwn() {
            try (Admission admission = pipeline.admit()) {
                List<Event> events = new EventBodyParser(DEFAULTS)
                        .parse(
                                stream("[{\"a\":{\"_meta\":1},\"b\":[{\"_meta\":2}]}]"),
                                EventFormat.JSON,
                                admission,
                                MAX_RECORD_BYTES,
                                "_meta");

                assertThat(events).hasSize(1);
            }
        }

        @Test
        void withoutAReservedMemberAnyNameIsTaken() {
            assertThat(framed("{\"id\":\"m\",\"_meta\":1}")).isEqualTo("{\"id\":\"m\",\"_meta\":1}\n");
        }

        private ProblemException reservedProblem(String body, EventFormat format) {
            try (Admission admission = pipeline.admit()) {
                ProblemException problem = catchThrowableOfType(
                        ProblemException.class,
                        () -> new EventBodyParser(DEFAULTS)
                                .parse(stream(body), format, admission, MAX_RECORD_BYTES, "_meta"));
                assertThat(problem).isNotNull();
                return problem;
            }
        }
    }

    /**
     * The tree built in the pass that frames each event, for a stream's schema, is the one reading
     * the framed event again gives: what the validator saw before it was built in that pass.
     */
    @Nested
    class Trees {

        @Test
        void buildsTheTreeTheFramedEventReadsAsForEveryKindOfValue() {
            String body = "[{\"id\":\"e-1\",\"int\":1,\"negative\":-7,\"long\":12345678901,"
                    + "\"big\":123456789012345678901234567890,\"decimal\":1.10,\"exponent\":1e400,"
                    + "\"small\":-2.5E-7,\"zero\":-0,\"zeroPointZero\":0.0,\"text\":\"a\\u00e9\\n\\\"\\ud83d\\ude00\",\"t\":true,"
                    + "\"f\":false,\"n\":null,\"empty\":{},\"none\":[],"
                    + "\"nested\":{\"a\":[1,[2,{\"b\":[]}],{\"c\":null}],\"d\":{\"e\":{\"f\":\"g\"}}}},"
                    + "{\"no\":\"id\",\"n\":[1.5]},{}]";

            assertTreesAreTheFramedEvents(body, EventFormat.JSON, 3);
        }

        @Test
        void putsAnAddedIdFirstAsTheFramedEventHasIt() {
            List<JsonNode> trees = new java.util.ArrayList<>();
            Event event = parseChecked(
                            "{\"a\":1,\"b\":{\"id\":\"inner\"}}", EventFormat.JSON, (e, tree) -> trees.add(tree))
                    .get(0);

            assertThat(trees.get(0).propertyNames()).containsExactly("id", "a", "b");
            assertThat(trees.get(0).get("id").stringValue()).isEqualTo(event.id());
        }

        @Test
        void buildsTheSameTreesForThousandsOfRandomEventsInArraysAndNdjson() {
            java.util.Random random = new java.util.Random(20261202);
            for (int request = 0; request < 200; request++) {
                List<String> events = new java.util.ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    events.add(randomObject(random, 0));
                }
                assertTreesAreTheFramedEvents("[" + String.join(",", events) + "]", EventFormat.JSON, 10);
                assertTreesAreTheFramedEvents(String.join("\n", events), EventFormat.NDJSON, 10);
            }
        }

        @Test
        void buildsNoTreeWithoutACheck() {
            List<Event> events = parse("[{\"a\":1},{\"b\":2}]", EventFormat.JSON);

            assertThat(events).hasSize(2);
        }

        private void assertTreesAreTheFramedEvents(String body, EventFormat format, int count) {
            List<Event> checked = new java.util.ArrayList<>();
            List<JsonNode> trees = new java.util.ArrayList<>();
            List<Event> events = parseChecked(body, format, (event, tree) -> {
                checked.add(event);
                trees.add(tree);
            });

            assertThat(events).hasSize(count);
            assertThat(checked).containsExactlyElementsOf(events);
            for (int i = 0; i < events.size(); i++) {
                JsonNode reread = io.firehosegateway.schema.StreamSchemas.treeOf(events.get(i));
                assertThat(shape(trees.get(i))).as("event %d of %s", i, body).isEqualTo(shape(reread));
                assertThat(trees.get(i)).isEqualTo(reread);
            }
        }

        /** The tree with every node's class and value, so an IntNode and a LongNode of 1 differ. */
        private static String shape(JsonNode node) {
            StringBuilder out = new StringBuilder();
            shape(node, out);
            return out.toString();
        }

        private static void shape(JsonNode node, StringBuilder out) {
            out.append(node.getClass().getSimpleName());
            if (node.isObject()) {
                out.append('{');
                for (var member : node.properties()) {
                    out.append(member.getKey()).append('=');
                    shape(member.getValue(), out);
                    out.append(',');
                }
                out.append('}');
            } else if (node.isArray()) {
                out.append('[');
                for (JsonNode element : node) {
                    shape(element, out);
                    out.append(',');
                }
                out.append(']');
            } else if (node.isBigDecimal()) {
                out.append('(').append(node.decimalValue().toString()).append(')');
            } else {
                out.append('(').append(node.toString()).append(')');
            }
        }

        private static String randomObject(java.util.Random random, int depth) {
            StringBuilder object = new StringBuilder("{");
            int members = random.nextInt(depth == 0 ? 8 : 4);
            boolean id = depth == 0 && random.nextBoolean();
            if (id) {
                object.append("\"id\":\"r-").append(random.nextInt(1_000_000)).append('"');
            }
            for (int i = 0; i < members; i++) {
                if (id || i > 0) {
                    object.append(',');
                }
                object.append("\"m").append(i).append("\":").append(randomValue(random, depth + 1));
            }
            return object.append('}').toString();
        }

        private static String randomValue(java.util.Random random, int depth) {
            String[] numbers = {
                "0",
                "-0",
                "7",
                "-2147483648",
                "2147483648",
                "9223372036854775807",
                "9223372036854775808",
                "1.0",
                "1.10",
                "-0.0",
                "3.14159",
                "1e3",
                "1E-7",
                "-2.5e+10",
                "1e400",
                "123456789012345678901234567890.5"
            };
            String[] strings = {
                "\"\"",
                "\"plain\"",
                "\"\\u00e9t\\u00e9\"",
                "\"tab\\there\"",
                "\"\\ud83d\\ude00\"",
                "\"quote\\\"d\"",
                "\"2026-12-02T01:00:00.123Z\"",
                "\"ada@example.com\""
            };
            return switch (depth > 4 ? random.nextInt(5) : random.nextInt(7)) {
                case 0 -> numbers[random.nextInt(numbers.length)];
                case 1 -> strings[random.nextInt(strings.length)];
                case 2 -> random.nextBoolean() ? "true" : "false";
                case 3 -> "null";
                case 4 -> Integer.toString(random.nextInt());
                case 5 -> randomObject(random, depth);
                default -> {
                    StringBuilder array = new StringBuilder("[");
                    int elements = random.nextInt(4);
                    for (int i = 0; i < elements; i++) {
                        array.append(i > 0 ? "," : "").append(randomValue(random, depth + 1));
                    }
                    yield array.append(']').toString();
                }
            };
        }
    }

    private static List<Event> parseChecked(String body, EventFormat format, EventBodyParser.EventCheck check) {
        try (Admission admission = pipeline.admit()) {
            return new EventBodyParser(DEFAULTS).parse(stream(body), format, admission, MAX_RECORD_BYTES, null, check);
        }
    }

    private static Event single(String body) {
        List<Event> events = parse(body, EventFormat.JSON);
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static String framed(String body) {
        return text(single(body));
    }

    private static String text(Event event) {
        return new String(event.framed(), UTF_8);
    }

    private static List<Event> parse(String body, EventFormat format) {
        return parse(body, format, DEFAULTS);
    }

    private static List<Event> parse(String body, EventFormat format, ApiProperties limits) {
        try (Admission admission = pipeline.admit()) {
            return new EventBodyParser(limits).parse(stream(body), format, admission, MAX_RECORD_BYTES);
        }
    }

    private static ProblemException problem(String body, EventFormat format, ApiProperties limits) {
        return problem(body.getBytes(UTF_8), format, limits);
    }

    private static ProblemException problem(byte[] body, EventFormat format, ApiProperties limits) {
        try (Admission admission = pipeline.admit()) {
            ProblemException problem = catchThrowableOfType(
                    ProblemException.class,
                    () -> new EventBodyParser(limits)
                            .parse(new ByteArrayInputStream(body), format, admission, MAX_RECORD_BYTES));
            assertThat(problem).as("a problem for %s", new String(body, UTF_8)).isNotNull();
            return problem;
        }
    }

    private static Object property(ProblemException problem, String name) {
        Map<String, Object> properties = problem.toProblemDetail().getProperties();
        return properties == null ? null : properties.get(name);
    }

    private static ByteArrayInputStream stream(String body) {
        return new ByteArrayInputStream(body.getBytes(UTF_8));
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(UTF_8));
        return out.toByteArray();
    }
}
