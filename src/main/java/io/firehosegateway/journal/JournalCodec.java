package io.firehosegateway.journal;

import io.firehosegateway.event.Event;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk form of an entry:
 *
 * <pre>
 * int    length of what follows the checksum
 * int    CRC32C of what follows it
 * long   sequence
 * long   appended at, Unix milliseconds
 * short  stream name length, then its UTF-8 bytes
 * int    event count, then for each: int id length, id bytes, int data length, data bytes
 * </pre>
 *
 * A length out of bounds or a checksum that does not match marks the end of the valid log.
 */
final class JournalCodec {

    /** Length and checksum. */
    static final int PREFIX = 8;
    /** Sequence and time: the part of the header the writer fills in. */
    static final int STAMP = 16;
    /** No entry is larger: a request's body is at most a few MiB. */
    static final int MAX_ENTRY = 256 * 1024 * 1024;

    private JournalCodec() {}

    /** The body of an entry (after sequence and time), encoded by the appender's thread. */
    static byte[] encodeBody(String stream, List<Event> events) {
        byte[] name = stream.getBytes(StandardCharsets.UTF_8);
        int size = 2 + name.length + 4;
        List<byte[]> ids = new ArrayList<>(events.size());
        for (Event event : events) {
            byte[] id = event.id().getBytes(StandardCharsets.UTF_8);
            ids.add(id);
            size += 4 + id.length + 4 + event.framed().length;
        }
        ByteBuffer body = ByteBuffer.allocate(size);
        body.putShort((short) name.length).put(name).putInt(events.size());
        for (int i = 0; i < events.size(); i++) {
            byte[] id = ids.get(i);
            byte[] data = events.get(i).framed();
            body.putInt(id.length).put(id).putInt(data.length).put(data);
        }
        return body.array();
    }

    /** The whole entry as written: prefix, stamp and body. */
    static ByteBuffer encodeEntry(long sequence, long appendedAtMillis, byte[] body) {
        ByteBuffer entry = ByteBuffer.allocate(PREFIX + STAMP + body.length);
        entry.putInt(STAMP + body.length)
                .putInt(0)
                .putLong(sequence)
                .putLong(appendedAtMillis)
                .put(body);
        CRC32C crc = new CRC32C();
        crc.update(entry.array(), PREFIX, STAMP + body.length);
        entry.putInt(4, (int) crc.getValue());
        return entry.flip();
    }

    /** Whether {@code payload} (stamp and body) matches its checksum. */
    static boolean checksumMatches(int expected, ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        return (int) crc.getValue() == expected;
    }

    /** Decodes stamp and body; the checksum was checked. */
    static JournalEntry decode(ByteBuffer payload, Object attachment) {
        long sequence = payload.getLong();
        long appendedAt = payload.getLong();
        byte[] name = new byte[payload.getShort() & 0xFFFF];
        payload.get(name);
        int count = payload.getInt();
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] id = new byte[payload.getInt()];
            payload.get(id);
            byte[] data = new byte[payload.getInt()];
            payload.get(data);
            events.add(new Event(new String(id, StandardCharsets.UTF_8), data));
        }
        return new JournalEntry(sequence, appendedAt, new String(name, StandardCharsets.UTF_8), events, attachment);
    }
}
