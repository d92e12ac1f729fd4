package io.firehosegateway.api;

import io.firehosegateway.event.Event;
import io.firehosegateway.event.EventIds;
import io.firehosegateway.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;

/**
 * Writes the events of one request again, compactly, each framed with {@code \n}: members in their
 * order, strings and numbers unchanged. A top-level string {@code id} is kept as the event's id; an
 * event without one gets a version 7 UUID as its first member. One generator and scratch buffer
 * serve every event of the request, so the framed bytes are an event's one allocation besides its id.
 * When the request's stream has a schema, the same pass also builds each event's tree for it.
 */
final class EventWriter implements AutoCloseable {

    private static final String ID = "id";

    /** An id is a key for removing duplicates, not a payload: longer ones are refused. Counted in code points. */
    static final int MAX_ID_LENGTH = 512;

    /** {@code {"id":"} before a UUID the gateway adds. */
    private static final byte[] ID_PREFIX = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);

    private static final int ID_OFFSET = ID_PREFIX.length;
    private static final int UUID_LENGTH = 36;
    /** {@code "id":"<uuid>"}: what an added id adds to the event, without the comma after it. */
    private static final int ID_MEMBER_LENGTH = ID_PREFIX.length - 1 + UUID_LENGTH + 1;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final GrowableBytes out = new GrowableBytes(256);
    private final JsonGenerator generator;
    private final int maxNestingDepth;
    /** Builds each event's tree; {@code null} when no one needs it. */
    private final EventTreeBuilder tree;

    private JsonNode lastTree;

    /** @param trees whether to build each event's tree as well, for {@link #tree()} */
    EventWriter(JsonFactory factory, int maxNestingDepth, boolean trees) {
        this.generator = factory.createGenerator(ObjectWriteContext.empty(), out);
        this.maxNestingDepth = maxNestingDepth;
        this.tree = trees ? new EventTreeBuilder() : null;
    }

    /** The buffer each {@link #write} starts by emptying: free for a caller between writes. */
    GrowableBytes buffer() {
        return out;
    }

    /** The tree of the event {@link #write} wrote last, as its framed form reads; built only when asked for. */
    JsonNode tree() {
        return lastTree;
    }

    /**
     * Copies one object, the parser on its START_OBJECT, and frames it.
     *
     * @param maxEventBytes the largest the framed event may be
     * @param reservedMember a top-level member the event may not have, since the gateway adds it; null
     *     when there is none
     * @throws ProblemException naming {@code position} when the event breaks a rule
     */
    Event write(JsonParser parser, EventPosition position, int maxEventBytes, String reservedMember) {
        out.reset();
        lastTree = null;
        if (tree != null) {
            tree.reset();
        }
        String id = null;
        boolean expectId = false;
        int depth = 0;
        JsonToken token = parser.currentToken();
        while (true) {
            if (expectId) {
                expectId = false;
                id = checkedId(parser, token, position);
            }
            switch (token) {
                case START_OBJECT -> {
                    generator.writeStartObject();
                    depth = deeper(depth, maxNestingDepth, position);
                    if (tree != null) {
                        tree.startObject();
                    }
                }
                case END_OBJECT -> {
                    generator.writeEndObject();
                    depth--;
                    if (tree != null) {
                        tree.end();
                    }
                }
                case START_ARRAY -> {
                    generator.writeStartArray();
                    depth = deeper(depth, maxNestingDepth, position);
                    if (tree != null) {
                        tree.startArray();
                    }
                }
                case END_ARRAY -> {
                    generator.writeEndArray();
                    depth--;
                    if (tree != null) {
                        tree.end();
                    }
                }
                case PROPERTY_NAME -> {
                    String name = parser.currentName();
                    if (hasLoneSurrogate(name)) {
                        throw EventParseProblems.loneSurrogate(position, "A member name");
                    }
                    expectId = isId(name, depth, reservedMember, position);
                    generator.writeName(name);
                    if (tree != null) {
                        tree.name(name);
                    }
                }
                case VALUE_STRING -> {
                    char[] text = parser.getTextCharacters();
                    int offset = parser.getTextOffset();
                    int length = parser.getTextLength();
                    if (hasLoneSurrogate(text, offset, length)) {
                        throw EventParseProblems.loneSurrogate(position, "A string");
                    }
                    generator.writeString(text, offset, length);
                    if (tree != null) {
                        tree.string(text, offset, length);
                    }
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    // Numbers are copied as written: re-encoding 1.10 or 1e400 would change them.
                    generator.writeNumber(parser.getText());
                    if (tree != null) {
                        try {
                            tree.number(parser);
                        } catch (NumberFormatException e) {
                            throw EventParseProblems.numberNoDecimalHolds(position, parser.getText());
                        }
                    }
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    generator.writeBoolean(token == JsonToken.VALUE_TRUE);
                    if (tree != null) {
                        tree.bool(token == JsonToken.VALUE_TRUE);
                    }
                }
                case VALUE_NULL -> {
                    generator.writeNull();
                    if (tree != null) {
                        tree.nul();
                    }
                }
                default -> throw EventParseProblems.unexpected(position, token);
            }
            if (depth == 0) {
                break;
            }
            token = next(parser, position);
            if (out.size() > maxEventBytes) {
                throw EventParseProblems.tooLarge(position, id, maxEventBytes);
            }
        }
        generator.flush();
        Event event = framed(out, id);
        if (event.framed().length > maxEventBytes) {
            throw EventParseProblems.tooLarge(position, event.id(), maxEventBytes);
        }
        if (tree != null) {
            lastTree = tree.take(id == null ? event.id() : null);
        }
        return event;
    }

    /**
     * The event of the compact object in {@code object}, framed: with {@code id} as its id, or with a
     * new id as its first member when {@code id} is null.
     */
    static Event framed(GrowableBytes object, String id) {
        if (id != null) {
            return new Event(id, object.toFramed());
        }
        byte[] framed = withNewId(object);
        return new Event(new String(framed, ID_OFFSET, UUID_LENGTH, StandardCharsets.US_ASCII), framed);
    }

    /**
     * Whether the member named {@code name} at {@code depth} is the event's id.
     *
     * @throws ProblemException when it is the member the gateway adds
     */
    static boolean isId(String name, int depth, String reservedMember, EventPosition position) {
        if (reservedMember != null && depth == 1 && reservedMember.equals(name)) {
            throw EventParseProblems.reservedMember(position, name);
        }
        return depth == 1 && ID.equals(name);
    }

    /** The event's next token: the body may not end inside it. */
    static JsonToken next(JsonParser parser, EventPosition position) {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw EventParseProblems.unexpectedEnd(position);
        }
        return token;
    }

    /** The event's own id, the parser on the value of its top-level {@code id}. */
    static String checkedId(JsonParser parser, JsonToken token, EventPosition position) {
        // Two UTF-16 units at most per code point: longer text is over the limit uncounted.
        if (token != JsonToken.VALUE_STRING
                || parser.getTextLength() == 0
                || parser.getTextLength() > 2 * MAX_ID_LENGTH) {
            throw EventParseProblems.invalidId(position, MAX_ID_LENGTH);
        }
        String id = parser.getText();
        if (id.length() > MAX_ID_LENGTH && id.codePointCount(0, id.length()) > MAX_ID_LENGTH) {
            throw EventParseProblems.invalidId(position, MAX_ID_LENGTH);
        }
        return id;
    }

    @Override
    public void close() {
        generator.close();
    }

    static int deeper(int depth, int maxNestingDepth, EventPosition position) {
        if (depth == maxNestingDepth) {
            throw EventParseProblems.nestingTooDeep(position, maxNestingDepth);
        }
        return depth + 1;
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
}
