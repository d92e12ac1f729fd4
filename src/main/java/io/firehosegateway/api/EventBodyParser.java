package io.firehosegateway.api;

import io.firehosegateway.event.Event;
import io.firehosegateway.event.EventIds;
import io.firehosegateway.pipeline.Admission;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a request body into events, checking all of it before anything is queued.
 *
 * <p>Each event must be a JSON object. It is written again compactly, members in their order and
 * strings and numbers unchanged, followed by {@code \n}: the framing that keeps Firehose's S3
 * objects valid NDJSON. A top-level string {@code id} is kept as the event's id; an event without
 * one gets a version 7 UUID as its first member. Each event reserves its room in the buffer as soon
 * as it is read, so the bound on memory holds while bodies are still arriving.
 */
final class EventBodyParser {

    private static final String ID = "id";

    /** An id is a key for removing duplicates, not a payload: longer ones are refused. */
    static final int MAX_ID_LENGTH = 512;

    /** {@code {"id":"} before a UUID the gateway adds. */
    private static final byte[] ID_PREFIX = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);

    private static final int ID_OFFSET = ID_PREFIX.length;
    private static final int UUID_LENGTH = 36;
    /** {@code "id":"<uuid>"}: what an added id adds to the event, without the comma after it. */
    private static final int ID_MEMBER_LENGTH = ID_PREFIX.length - 1 + UUID_LENGTH + 1;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final JsonFactory factory;
    private final int maxNestingDepth;
    private final int maxLineLength;

    EventBodyParser(ApiProperties limits) {
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        // One more than the limit: the array around a request's events is a level of
                        // its own to Jackson, not of any event. readEvent checks each event's depth.
                        .maxNestingDepth(limits.maxNestingDepth() + 1)
                        .maxStringLength(limits.maxStringLength())
                        .maxNameLength(limits.maxStringLength())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxDocumentLength(limits.maxRequestSize().toBytes())
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // One generator writes every event of a request, each a root value of its own.
                .rootValueSeparator((String) null)
                .build();
        this.maxNestingDepth = limits.maxNestingDepth();
        this.maxLineLength =
                (int) Math.min(Integer.MAX_VALUE - 16, limits.maxLineLength().toBytes());
    }

    /**
     * Reads every event of the body.
     *
     * @param maxEventBytes the largest event the stream takes, framed: the largest record of its sink
     * @throws ProblemException naming the index or line of the first event at fault
     * @throws io.firehosegateway.pipeline.GatewayFullException when the buffer has no room
     */
    List<Event> parse(InputStream body, EventFormat format, Admission admission, int maxEventBytes) {
        return format == EventFormat.NDJSON
                ? parseNdjson(body, admission, maxEventBytes)
                : parseJson(body, admission, maxEventBytes);
    }

    private List<Event> parseJson(InputStream body, Admission admission, int maxEventBytes) {
        List<Event> events = new ArrayList<>();
        Position position = new Position();
        try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), new Utf8ValidatingInputStream(body));
                EventWriter writer = new EventWriter()) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ProblemException(ProblemType.EMPTY_REQUEST, "The request body is empty");
            }
            if (first == JsonToken.START_OBJECT) {
                position.at(0, null);
                add(events, readEvent(parser, position, writer, maxEventBytes), admission);
            } else if (first == JsonToken.START_ARRAY) {
                int index = 0;
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    position.at(index, null);
                    if (token != JsonToken.START_OBJECT) {
                        throw notAnObject(position, token);
                    }
                    add(events, readEvent(parser, position, writer, maxEventBytes), admission);
                    index++;
                }
                if (index == 0) {
                    throw new ProblemException(ProblemType.EMPTY_REQUEST, "The request's array of events is empty");
                }
            } else {
                throw new ProblemException(
                        ProblemType.INVALID_EVENT,
                        "The body must be a JSON object or an array of objects, not " + describe(first));
            }
            position.at(null, null);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new ProblemException(
                        ProblemType.MALFORMED_JSON, "Unexpected content after the end of the JSON value");
            }
        } catch (JacksonException e) {
            throw fromJackson(e, position);
        } catch (ProblemException e) {
            // The UTF-8 check raises its problem when the parser reaches the bad byte, in this event.
            throw e.type() == ProblemType.INVALID_UTF8 ? position.apply(e) : e;
        }
        return events;
    }

    private List<Event> parseNdjson(InputStream body, Admission admission, int maxEventBytes) {
        List<Event> events = new ArrayList<>();
        LineReader lines = new LineReader(body, maxLineLength);
        Position position = new Position();
        try (EventWriter writer = new EventWriter()) {
            for (byte[] line = lines.next(); line != null; line = lines.next()) {
                int length = lines.length();
                if (isBlank(line, length)) {
                    continue;
                }
                position.at(events.size(), lines.lineNumber());
                if (Utf8ValidatingInputStream.startsLikeUtf16Or32(line, length)) {
                    throw position.apply(new ProblemException(
                            ProblemType.INVALID_UTF8,
                            "Line " + position.line + " starts with a NUL byte, as UTF-16 or UTF-32 would; events"
                                    + " must be UTF-8"));
                }
                if (!Utf8Validator.isValid(line, 0, length)) {
                    throw position.apply(new ProblemException(
                            ProblemType.INVALID_UTF8, "Line " + position.line + " is not valid UTF-8"));
                }
                try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), line, 0, length)) {
                    JsonToken first = parser.nextToken();
                    if (first != JsonToken.START_OBJECT) {
                        throw notAnObject(position, first);
                    }
                    Event event = readEvent(parser, position, writer, maxEventBytes);
                    if (parser.nextToken() != null) {
                        throw position.apply(new ProblemException(
                                ProblemType.MALFORMED_JSON, "More than one JSON value on line " + position.line));
                    }
                    add(events, event, admission);
                } catch (JacksonException e) {
                    throw fromJackson(e, position);
                }
            }
        }
        if (events.isEmpty()) {
            throw new ProblemException(ProblemType.EMPTY_REQUEST, "The request has no events");
        }
        return events;
    }

    private static void add(List<Event> events, Event event, Admission admission) {
        admission.reserve(event);
        events.add(event);
    }

    /**
     * Copies one object, the parser on its START_OBJECT, and frames it. The request's one generator
     * and scratch buffer are reused, so the framed bytes are the event's one allocation besides its id.
     */
    private Event readEvent(JsonParser parser, Position position, EventWriter writer, int maxEventBytes) {
        GrowableBytes out = writer.start();
        JsonGenerator generator = writer.generator;
        String id = null;
        boolean expectId = false;
        int depth = 0;
        JsonToken token = parser.currentToken();
        while (true) {
            if (expectId) {
                expectId = false;
                if (token != JsonToken.VALUE_STRING
                        || parser.getTextLength() == 0
                        || parser.getTextLength() > MAX_ID_LENGTH) {
                    throw position.apply(new ProblemException(
                            ProblemType.INVALID_EVENT,
                            "The event's id must be a string of 1 to " + MAX_ID_LENGTH + " characters"));
                }
                id = parser.getText();
            }
            switch (token) {
                case START_OBJECT -> {
                    generator.writeStartObject();
                    depth = deeper(depth, position);
                }
                case END_OBJECT -> {
                    generator.writeEndObject();
                    depth--;
                }
                case START_ARRAY -> {
                    generator.writeStartArray();
                    depth = deeper(depth, position);
                }
                case END_ARRAY -> {
                    generator.writeEndArray();
                    depth--;
                }
                case PROPERTY_NAME -> {
                    String name = parser.currentName();
                    if (hasLoneSurrogate(name)) {
                        throw loneSurrogate(position, "A member name");
                    }
                    expectId = depth == 1 && ID.equals(name);
                    generator.writeName(name);
                }
                case VALUE_STRING -> {
                    char[] text = parser.getTextCharacters();
                    int offset = parser.getTextOffset();
                    int length = parser.getTextLength();
                    if (hasLoneSurrogate(text, offset, length)) {
                        throw loneSurrogate(position, "A string");
                    }
                    generator.writeString(text, offset, length);
                }
                // Numbers are copied as written: re-encoding 1.10 or 1e400 would change them.
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText());
                case VALUE_TRUE -> generator.writeBoolean(true);
                case VALUE_FALSE -> generator.writeBoolean(false);
                case VALUE_NULL -> generator.writeNull();
                default ->
                    throw position.apply(
                            new ProblemException(ProblemType.MALFORMED_JSON, "Unexpected " + describe(token)));
            }
            if (depth == 0) {
                break;
            }
            token = parser.nextToken();
            if (token == null) {
                throw position.apply(new ProblemException(ProblemType.MALFORMED_JSON, "Unexpected end of input"));
            }
            if (out.size() > maxEventBytes) {
                throw tooLarge(position, id, maxEventBytes);
            }
        }
        generator.flush();
        byte[] framed;
        if (id == null) {
            framed = withNewId(out);
            id = new String(framed, ID_OFFSET, UUID_LENGTH, StandardCharsets.US_ASCII);
        } else {
            framed = out.toFramed();
        }
        if (framed.length > maxEventBytes) {
            throw tooLarge(position, id, maxEventBytes);
        }
        return new Event(id, framed);
    }

    /**
     * A {@code \\u} escape can name half of a surrogate pair alone, which is no character and has no
     * UTF-8 form; JSON's grammar lets it through, but events are UTF-8. Raw bytes never decode to
     * one: the UTF-8 check refuses encoded surrogates.
     */
    static boolean hasLoneSurrogate(char[] text, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            char c = text[i];
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    private static ProblemException loneSurrogate(Position position, String what) {
        return position.apply(new ProblemException(
                ProblemType.INVALID_UTF8,
                what + " escapes half of a UTF-16 surrogate pair alone (a \\u escape in D800-DFFF without its"
                        + " other half), which is no character and cannot be written as UTF-8"));
    }

    private int deeper(int depth, Position position) {
        if (depth == maxNestingDepth) {
            throw position.apply(new ProblemException(
                            ProblemType.NESTING_TOO_DEEP,
                            "The event nests objects and arrays deeper than the limit of " + maxNestingDepth))
                    .with("limit", maxNestingDepth);
        }
        return depth + 1;
    }

    /**
     * Inserts {@code "id":"…"} with a new version 7 UUID as the first member and frames the event,
     * writing the UUID's text straight into the framed bytes.
     */
    private static byte[] withNewId(GrowableBytes object) {
        boolean empty = object.size() == 2;
        int length = object.size() + ID_MEMBER_LENGTH + (empty ? 0 : 1) + 1;
        byte[] framed = new byte[length];
        System.arraycopy(ID_PREFIX, 0, framed, 0, ID_PREFIX.length);
        UUID uuid = EventIds.timeOrdered();
        writeUuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits(), framed, ID_OFFSET);
        int offset = ID_OFFSET + UUID_LENGTH;
        framed[offset++] = '"';
        if (!empty) {
            framed[offset++] = ',';
        }
        System.arraycopy(object.buffer(), 1, framed, offset, object.size() - 1);
        framed[length - 1] = '\n';
        return framed;
    }

    /** Writes a UUID in its canonical form, 8-4-4-4-12 lower-case hex digits. */
    static void writeUuid(long most, long least, byte[] into, int offset) {
        hex(most >>> 32, 8, into, offset);
        into[offset + 8] = '-';
        hex(most >>> 16, 4, into, offset + 9);
        into[offset + 13] = '-';
        hex(most, 4, into, offset + 14);
        into[offset + 18] = '-';
        hex(least >>> 48, 4, into, offset + 19);
        into[offset + 23] = '-';
        hex(least, 12, into, offset + 24);
    }

    private static void hex(long value, int digits, byte[] into, int offset) {
        for (int i = digits - 1; i >= 0; i--) {
            into[offset + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    private static ProblemException tooLarge(Position position, String id, int maxEventBytes) {
        return position.apply(new ProblemException(
                                ProblemType.EVENT_TOO_LARGE,
                                "The event is larger than a record of the stream's sink can hold (" + maxEventBytes
                                        + " bytes with its newline)")
                        .with("id", id))
                .with("limit", maxEventBytes);
    }

    private static ProblemException notAnObject(Position position, JsonToken token) {
        String where = position.line != null ? "Line " + position.line : "Element " + position.index;
        return position.apply(new ProblemException(
                ProblemType.INVALID_EVENT, where + " must be a JSON object, not " + describe(token)));
    }

    private static ProblemException fromJackson(JacksonException e, Position position) {
        if (e instanceof JacksonIOException io) {
            // The client went away or the connection broke mid-body.
            throw new UncheckedIOException(io.getCause());
        }
        ProblemType type;
        String message = e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            type = message != null && message.contains("nesting depth")
                    ? ProblemType.NESTING_TOO_DEEP
                    : ProblemType.JSON_LIMIT_EXCEEDED;
        } else if (message != null && (message.contains("Invalid UTF-8") || message.contains("surrogate"))) {
            // Jackson checks the surrogate pairs of names itself; readEvent those of strings.
            type = ProblemType.INVALID_UTF8;
        } else if (e instanceof UnexpectedEndOfInputException) {
            type = ProblemType.MALFORMED_JSON;
            message = "Unexpected end of input";
        } else {
            type = ProblemType.MALFORMED_JSON;
        }
        ProblemException problem =
                position.apply(new ProblemException(type, withoutJacksonInternals(firstLine(message)), e));
        TokenStreamLocation location = e.getLocation();
        if (location != null && position.line == null && location.getLineNr() > 0) {
            problem.with("jsonLine", location.getLineNr()).with("jsonColumn", location.getColumnNr());
        } else if (location != null && location.getColumnNr() > 0) {
            problem.with("jsonColumn", location.getColumnNr());
        }
        return problem;
    }

    /**
     * Jackson's messages say how to configure Jackson to accept the input ("enable
     * `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS`", "from `StreamReadConstraints.getMaxStringLength()`"):
     * what was wrong stays, how the gateway is built goes.
     */
    static String withoutJacksonInternals(String message) {
        String plain = JACKSON_CONSTRAINT.matcher(message).replaceAll(")");
        plain = JACKSON_FEATURE_HINT.matcher(plain).replaceAll("");
        plain = JACKSON_FEATURE_NOTE.matcher(plain).replaceAll("");
        return plain.replace("`", "'");
    }

    private static final java.util.regex.Pattern JACKSON_CONSTRAINT =
            java.util.regex.Pattern.compile(", from `[^`]*`\\)");
    private static final java.util.regex.Pattern JACKSON_FEATURE_HINT =
            java.util.regex.Pattern.compile(":? *enable `[^`]*` to allow");
    private static final java.util.regex.Pattern JACKSON_FEATURE_NOTE = java.util.regex.Pattern.compile(
            " *\\(not recognized as one since Feature '[^']*' not enabled for parser\\)");

    private static String firstLine(String message) {
        if (message == null) {
            return "Invalid JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    private static boolean isBlank(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the event being read stands in its request: its index among the events, and its NDJSON
     * line. One per request, moved from event to event, since it is read only when a problem is.
     */
    private static final class Position {
        private Integer index;
        private Integer line;

        void at(Integer index, Integer line) {
            this.index = index;
            this.line = line;
        }

        ProblemException apply(ProblemException problem) {
            return problem.with("index", index).with("line", line);
        }
    }

    /** The generator and scratch buffer that write every event of one request, one after another. */
    private final class EventWriter implements AutoCloseable {
        private final GrowableBytes out = new GrowableBytes(256);
        private final JsonGenerator generator = factory.createGenerator(ObjectWriteContext.empty(), out);

        /** The empty scratch buffer for the next event; the generator holds nothing unwritten. */
        GrowableBytes start() {
            out.reset();
            return out;
        }

        @Override
        public void close() {
            generator.close();
        }
    }

    /** An output buffer whose bytes are framed without another copy when they fit. */
    static final class GrowableBytes extends java.io.OutputStream {
        private byte[] buffer;
        private int size;

        GrowableBytes(int capacity) {
            buffer = new byte[capacity];
        }

        @Override
        public void write(int b) {
            ensure(1);
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buffer, size, length);
            size += length;
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        int size() {
            return size;
        }

        void reset() {
            size = 0;
        }

        byte[] buffer() {
            return buffer;
        }

        byte[] toFramed() {
            byte[] framed = Arrays.copyOf(buffer, size + 1);
            framed[size] = '\n';
            return framed;
        }
    }

    /** Splits a body into lines without holding more than one line, refusing lines over the limit. */
    static final class LineReader {
        private final InputStream in;
        private final int maxLength;
        private final byte[] chunk = new byte[16 * 1024];
        private int chunkStart;
        private int chunkEnd;
        private byte[] line = new byte[1024];
        private int length;
        private int lineNumber;
        private boolean eof;

        LineReader(InputStream in, int maxLength) {
            this.in = in;
            this.maxLength = maxLength;
        }

        /** The next line without its {@code \n} (its length is {@link #length()}), or null at the end. */
        byte[] next() {
            if (eof) {
                return null;
            }
            length = 0;
            lineNumber++;
            while (true) {
                if (chunkStart == chunkEnd && !fill()) {
                    eof = true;
                    return length > 0 ? line : null;
                }
                int newline = -1;
                for (int i = chunkStart; i < chunkEnd; i++) {
                    if (chunk[i] == '\n') {
                        newline = i;
                        break;
                    }
                }
                int end = newline >= 0 ? newline : chunkEnd;
                append(chunkStart, end - chunkStart);
                chunkStart = newline >= 0 ? newline + 1 : chunkEnd;
                if (newline >= 0) {
                    return line;
                }
            }
        }

        int length() {
            return length;
        }

        int lineNumber() {
            return lineNumber;
        }

        private void append(int from, int count) {
            if (length + count > maxLength) {
                throw new ProblemException(
                                ProblemType.LINE_TOO_LONG,
                                "Line " + lineNumber + " is longer than the limit of " + maxLength + " bytes")
                        .with("line", lineNumber)
                        .with("limit", maxLength);
            }
            if (length + count > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
            }
            System.arraycopy(chunk, from, line, length, count);
            length += count;
        }

        private boolean fill() {
            try {
                int n = in.read(chunk);
                if (n <= 0) {
                    return false;
                }
                chunkStart = 0;
                chunkEnd = n;
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
