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
 * That body is version 1, the only one before events could be routed, and still the one of a request
 * for one stream. A request whose events go to several streams has a version 2 body, so all of them
 * are in one entry under one checksum:
 *
 * <pre>
 * short  0xFFFF ({@link #VERSIONED}: no stream name is that long), byte version (2)
 * short  part count, then for each part: stream name and events as in version 1
 * </pre>
 *
 * A segment starts with a header and a sealed segment ends with a seal, each with its own CRC32C:
 *
 * <pre>
 * header: int HEADER_MAGIC, long first sequence, long first sequence of the segment before (-1: none), int CRC32C
 * seal:   int SEAL_MAGIC, long sequence of the next segment's first entry, int CRC32C
 * </pre>
 *
 * Both magic numbers are above {@link #MAX_ENTRY}, so neither can be read as an entry's length. A
 * segment written before headers existed starts with an entry; it is read the same way, without
 * the checks that need the header and the seal. Delivery records in the side file are {@code int
 * ACK_MAGIC, long sequence, int CRC32C}: one that does not check out counts as not delivered.
 */
final class JournalCodec {

    /** Length and checksum. */
    static final int PREFIX = 8;
    /** Sequence and time: the part of the header the writer fills in. */
    static final int STAMP = 16;
    /** No entry is larger: a request's body is at most a few MiB. */
    static final int MAX_ENTRY = 256 * 1024 * 1024;

    static final int HEADER_MAGIC = 0x464A5347;
    static final int HEADER = 4 + 8 + 8 + 4;
    static final int SEAL_MAGIC = 0x5345414C;
    static final int SEAL = 4 + 8 + 4;
    static final int ACK_MAGIC = 0x41434B31;
    static final int ACK = 4 + 8 + 4;

    /** Where a version 1 body has its stream name's length: a body that starts so has a version byte next. */
    static final short VERSIONED = (short) 0xFFFF;
    /** The body of an entry with several parts. */
    static final byte VERSION_PARTS = 2;

    private JournalCodec() {}

    static ByteBuffer encodeHeader(long baseSequence, long previousBase) {
        ByteBuffer header = ByteBuffer.allocate(HEADER)
                .putInt(HEADER_MAGIC)
                .putLong(baseSequence)
                .putLong(previousBase);
        header.putInt(crc(header.array(), 0, HEADER - 4));
        return header.flip();
    }

    static ByteBuffer encodeSeal(long nextSequence) {
        ByteBuffer seal = ByteBuffer.allocate(SEAL).putInt(SEAL_MAGIC).putLong(nextSequence);
        seal.putInt(crc(seal.array(), 0, SEAL - 4));
        return seal.flip();
    }

    /** Whether {@code record} (a header or a seal, {@code length} bytes from its start) checks out. */
    static boolean recordMatches(ByteBuffer record, int magic, int length) {
        if (record.remaining() < length || record.getInt(record.position()) != magic) {
            return false;
        }
        byte[] bytes = new byte[length];
        record.duplicate().get(bytes);
        return crc(bytes, 0, length - 4) == ByteBuffer.wrap(bytes).getInt(length - 4);
    }

    static void encodeAck(ByteBuffer buffer, long sequence) {
        int start = buffer.position();
        buffer.putInt(ACK_MAGIC).putLong(sequence);
        byte[] bytes = new byte[12];
        buffer.duplicate().position(start).get(bytes);
        buffer.putInt(crc(bytes, 0, 12));
    }

    /** The sequence of the next delivery record, or -1 when it does not check out. */
    static long decodeAck(ByteBuffer buffer) {
        byte[] bytes = new byte[ACK];
        buffer.get(bytes);
        ByteBuffer record = ByteBuffer.wrap(bytes);
        if (record.getInt(0) != ACK_MAGIC || crc(bytes, 0, 12) != record.getInt(12)) {
            return -1;
        }
        long sequence = record.getLong(4);
        return sequence >= 0 ? sequence : -1;
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** The body of an entry (after sequence and time), encoded by the appender's thread. */
    static byte[] encodeBody(String stream, List<Event> events) {
        return encodeBody(List.of(new JournalEntry.Part(stream, events)));
    }

    /** The body of an entry of one or more parts: version 1 for one part, as ever, else version 2. */
    static byte[] encodeBody(List<JournalEntry.Part> parts) {
        boolean versioned = parts.size() > 1;
        int size = versioned ? 2 + 1 + 2 : 0;
        List<byte[]> names = new ArrayList<>(parts.size());
        List<byte[]> ids = new ArrayList<>();
        for (JournalEntry.Part part : parts) {
            byte[] name = part.stream().getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += 2 + name.length + 4;
            for (Event event : part.events()) {
                byte[] id = event.id().getBytes(StandardCharsets.UTF_8);
                ids.add(id);
                size += 4 + id.length + 4 + event.framed().length;
            }
        }
        ByteBuffer body = ByteBuffer.allocate(size);
        if (versioned) {
            body.putShort(VERSIONED).put(VERSION_PARTS).putShort((short) parts.size());
        }
        int next = 0;
        for (int p = 0; p < parts.size(); p++) {
            List<Event> events = parts.get(p).events();
            byte[] name = names.get(p);
            body.putShort((short) name.length).put(name).putInt(events.size());
            for (Event event : events) {
                byte[] id = ids.get(next++);
                byte[] data = event.framed();
                body.putInt(id.length).put(id).putInt(data.length).put(data);
            }
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
        int partCount = 1;
        if (payload.getShort(payload.position()) == VERSIONED) {
            payload.getShort();
            byte version = payload.get();
            if (version != VERSION_PARTS) {
                throw new IllegalStateException("journal entry " + sequence + " has body version " + version
                        + ", which this gateway does not know");
            }
            partCount = payload.getShort() & 0xFFFF;
        }
        List<JournalEntry.Part> parts = new ArrayList<>(partCount);
        for (int p = 0; p < partCount; p++) {
            parts.add(decodePart(payload));
        }
        return new JournalEntry(sequence, appendedAt, parts, attachment);
    }

    private static JournalEntry.Part decodePart(ByteBuffer payload) {
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
        return new JournalEntry.Part(new String(name, StandardCharsets.UTF_8), events);
    }
}
