package io.firehosegateway.api;

import io.firehosegateway.event.Event;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * Frames an event from the bytes the client sent, where they are what {@link EventWriter} would
 * write: the parser checks the event's structure, and its bytes are copied without the whitespace
 * between tokens, instead of being generated again token by token.
 *
 * <p>The writer's output differs from the client's bytes in one way this copy does not follow: it
 * decodes every {@code \\u} escape and writes the character (or {@code \\u00XX} in upper case for a
 * control character); such an event is written by {@link EventWriter} from its copied bytes. So is
 * an event over the size limit, or one that breaks a rule: the writer's check and the order of its
 * checks decide the answer, the same as when every event is written.
 */
final class EventCopier {

    /** The bytes an event is copied from, by their offsets as the parser counts them. */
    interface Source {

        /** The bytes before this offset are no longer needed. */
        void mark(long offset);

        byte[] bytes();

        /** The offset of {@code bytes()[0]}. */
        long base();

        /** The offset after the last byte held. */
        long end();
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final JsonFactory factory;
    private final EventWriter writer;
    private final int maxNestingDepth;
    private final int maxStringLength;
    /** The writer's own buffer: the writer takes it only after the copy is done with it. */
    private final GrowableBytes out;

    EventCopier(JsonFactory factory, EventWriter writer, int maxNestingDepth, int maxStringLength) {
        this.factory = factory;
        this.writer = writer;
        this.maxNestingDepth = maxNestingDepth;
        this.maxStringLength = maxStringLength;
        this.out = writer.buffer();
    }

    /** A whole NDJSON line, offsets counted from its first byte. */
    static Source line(byte[] line, int length) {
        return new Source() {
            @Override
            public void mark(long offset) {}

            @Override
            public byte[] bytes() {
                return line;
            }

            @Override
            public long base() {
                return 0;
            }

            @Override
            public long end() {
                return length;
            }
        };
    }

    /**
     * Checks one object, the parser on its START_OBJECT, and frames it as {@link EventWriter#write}
     * does.
     *
     * @throws ProblemException naming {@code position} when the event breaks a rule
     */
    Event copy(JsonParser parser, EventPosition position, int maxEventBytes, String reservedMember, Source source) {
        long start = parser.currentTokenLocation().getByteOffset();
        source.mark(start);
        String id = null;
        try {
            boolean expectId = false;
            int depth = 0;
            JsonToken token = parser.currentToken();
            while (true) {
                if (expectId) {
                    expectId = false;
                    id = EventWriter.checkedId(parser, token, position);
                }
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth = EventWriter.deeper(depth, maxNestingDepth, position);
                    case END_OBJECT, END_ARRAY -> depth--;
                    case PROPERTY_NAME ->
                        expectId = EventWriter.isId(parser.currentName(), depth, reservedMember, position);
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {}
                    default -> throw EventParseProblems.unexpected(position, token);
                }
                if (depth == 0) {
                    break;
                }
                token = EventWriter.next(parser, position);
            }
        } catch (ProblemException | JacksonException e) {
            // Only the writer's own checks are not made here: its answer wins if it comes first.
            long end = Math.min(source.end(), parser.currentLocation().getByteOffset());
            RuntimeException first = writtenAgain(source, start, end, position, maxEventBytes, reservedMember);
            if (first != null) {
                throw first;
            }
            throw e;
        }
        long end = parser.currentTokenLocation().getByteOffset() + 1;
        byte[] bytes = source.bytes();
        int from = (int) (start - source.base());
        if (!compact(bytes, from, (int) (end - source.base()), maxStringLength, out)) {
            return write(bytes, from, (int) (end - start), position, maxEventBytes, reservedMember);
        }
        Event event = EventWriter.framed(out, id);
        if (event.framed().length > maxEventBytes) {
            return write(bytes, from, (int) (end - start), position, maxEventBytes, reservedMember);
        }
        return event;
    }

    /**
     * The problem the writer finds first in the bytes from {@code start} to {@code end} that the
     * walk does not look for, if any: the event's size, a lone surrogate, a string over its length
     * limit (the walk skips strings undecoded, so the parser never counts them).
     */
    private RuntimeException writtenAgain(
            Source source, long start, long end, EventPosition position, int maxEventBytes, String reservedMember) {
        if (end <= start) {
            return null;
        }
        try {
            write(
                    source.bytes(),
                    (int) (start - source.base()),
                    (int) (end - start),
                    position,
                    maxEventBytes,
                    reservedMember);
            return null;
        } catch (ProblemException e) {
            // Its size and surrogate checks; the other rules are the same here and already answered.
            return e.type() == ProblemType.EVENT_TOO_LARGE || e.type() == ProblemType.INVALID_UTF8 ? e : null;
        } catch (StreamConstraintsException e) {
            return e;
        } catch (JacksonException e) {
            return null;
        }
    }

    private Event write(
            byte[] bytes, int offset, int length, EventPosition position, int maxEventBytes, String reservedMember) {
        try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), bytes, offset, length)) {
            parser.nextToken();
            return writer.write(parser, position, maxEventBytes, reservedMember);
        }
    }

    /**
     * Copies a checked object without the whitespace between its tokens, as the writer writes it;
     * false when a string has a {@code \\u} escape, which the writer would decode, or is longer than
     * {@code maxStringLength} UTF-16 units, which the parser refuses once it decodes it.
     *
     * <p>Most of an event's bytes are plain ASCII inside strings: those are checked and copied eight
     * at a time, as a byte-at-a-time copy cost a tenth of a 100-event request's CPU.
     */
    static boolean compact(byte[] in, int from, int to, int maxStringLength, GrowableBytes into) {
        into.reset();
        byte[] o = into.room(to - from);
        int n = 0;
        int i = from;
        while (i < to) {
            byte b = in[i++];
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            o[n++] = b;
            if (b != '"') {
                continue;
            }
            int length = 0;
            while (true) {
                if (i + Long.BYTES <= to) {
                    // Eight bytes are stored and as many as are plain kept: n trails i, so they stay within the room.
                    long word = readLong(in, i);
                    long special = special(word);
                    LONGS.set(o, n, word);
                    int plain = special == 0 ? Long.BYTES : Long.numberOfTrailingZeros(special) >>> 3;
                    n += plain;
                    i += plain;
                    length += plain;
                    if (special == 0) {
                        continue;
                    }
                }
                b = in[i++];
                if (b == '"') {
                    break;
                }
                if (b == '\\') {
                    byte escaped = in[i++];
                    if (escaped == 'u') {
                        return false;
                    }
                    if (escaped != '/') {
                        o[n++] = '\\';
                    }
                    o[n++] = escaped;
                    length++;
                    continue;
                }
                // One UTF-16 unit per character, two for one outside the basic plane (a 4-byte lead).
                if ((b & 0xC0) != 0x80) {
                    length += (b & 0xF8) == 0xF0 ? 2 : 1;
                }
                o[n++] = b;
            }
            if (length > maxStringLength) {
                return false;
            }
            o[n++] = '"';
        }
        into.size(n);
        return true;
    }

    private static long readLong(byte[] in, int offset) {
        return (long) LONGS.get(in, offset);
    }

    /**
     * The high bit of the first byte of {@code word} (its lowest, read little-endian) that is not
     * plain ASCII or is a quote or a backslash; zero when all eight are plain. Bits above that one
     * may be set falsely.
     */
    private static long special(long word) {
        return (word | hasZeroByte(word ^ (ONES * '"')) | hasZeroByte(word ^ (ONES * '\\'))) & HIGH_BITS;
    }

    /** The high bit of the lowest zero byte of {@code word} set, if any; bits above it may be set falsely. */
    private static long hasZeroByte(long word) {
        return (word - ONES) & ~word & HIGH_BITS;
    }
}
