package io.firehosegateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What a segment file holds, checked entry by entry at start: the entries that check out as
 * {sequence, time, position, length}, its header and seal when it has them, and the stretches that
 * do not check out. It only reads; {@link JournalRecovery} decides what the findings mean.
 */
final class SegmentScan {

    /** Segments up to this size are read into memory to be checked at start; larger ones are mapped. */
    private static final long SCAN_IN_MEMORY = 64L * 1024 * 1024;

    final Path path;
    final long base;
    long size;
    long dataStart;
    long headerBase = -1;
    long previousBase = -1;
    long seal = -1;
    long sealAt = -1;
    final List<long[]> entries = new ArrayList<>();
    final List<long[]> faults = new ArrayList<>();
    final List<String> faultKinds = new ArrayList<>();

    private SegmentScan(Path path, long base) {
        this.path = path;
        this.base = base;
    }

    /** One past the last sequence the segment holds or its seal names. */
    long nextSequence() {
        long next = base;
        if (!entries.isEmpty()) {
            next = Math.max(next, entries.get(entries.size() - 1)[0] + 1);
        }
        return Math.max(next, seal);
    }

    private void fault(long from, long to, String kind) {
        faults.add(new long[] {from, to});
        faultKinds.add(kind);
    }

    /** Reads and checks the segment file {@code file}, whose name says it starts at {@code base}. */
    static SegmentScan of(Path file, long base) throws IOException {
        SegmentScan scan = new SegmentScan(file, base);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize > Integer.MAX_VALUE) {
                throw new IOException("Journal segment " + file + " is larger than 2 GiB");
            }
            ByteBuffer data;
            if (fileSize > SCAN_IN_MEMORY) {
                data = channel.map(FileChannel.MapMode.READ_ONLY, 0, fileSize);
            } else {
                // Read rather than mapped: a mapping would hold the file open until a garbage collection.
                data = ByteBuffer.allocate((int) fileSize);
                while (data.hasRemaining() && channel.read(data, data.position()) >= 0) {
                    // reads until the buffer is full
                }
                data.clear();
            }
            int size = (int) fileSize;
            scan.size = size;
            int position = 0;
            if (size >= 4 && data.getInt(0) == JournalCodec.HEADER_MAGIC) {
                position = Math.min(size, JournalCodec.HEADER);
                scan.dataStart = JournalCodec.HEADER;
                if (JournalCodec.recordMatches(
                        data.duplicate().position(0), JournalCodec.HEADER_MAGIC, JournalCodec.HEADER)) {
                    scan.headerBase = data.getLong(4);
                    scan.previousBase = data.getLong(12);
                } else {
                    scan.fault(0, position, "a header that does not check out");
                }
            }
            long last = base - 1;
            while (position < size) {
                // Any sequence here: one that does not belong is reported by the recovery, not skipped.
                int length = entryAt(data, position, size, Long.MIN_VALUE, Long.MAX_VALUE);
                if (length > 0) {
                    last = data.getLong(position + JournalCodec.PREFIX);
                    scan.entries.add(
                            new long[] {last, data.getLong(position + JournalCodec.PREFIX + 8), position, length});
                    position += length;
                    continue;
                }
                if (JournalCodec.recordMatches(
                        data.duplicate().position(position), JournalCodec.SEAL_MAGIC, JournalCodec.SEAL)) {
                    scan.seal = data.getLong(position + 4);
                    scan.sealAt = position;
                    position += JournalCodec.SEAL;
                    if (position < size) {
                        scan.fault(position, size, "bytes after the segment's seal");
                    }
                    break;
                }
                String kind = describe(data, position, size);
                int resumed = resync(data, position + 1, size, Math.max(last, base - 1), base + size);
                scan.fault(position, resumed < 0 ? size : resumed, kind);
                if (resumed < 0) {
                    break;
                }
                position = resumed;
            }
        }
        return scan;
    }

    /** The length of the entry at {@code at} if one that checks out is there, with a sequence in (after, upTo); else -1. */
    private static int entryAt(ByteBuffer data, int at, int size, long after, long upTo) {
        if (size - at < JournalCodec.PREFIX + JournalCodec.STAMP) {
            return -1;
        }
        int length = data.getInt(at);
        if (length < JournalCodec.STAMP
                || length > JournalCodec.MAX_ENTRY
                || length > size - at - JournalCodec.PREFIX) {
            return -1;
        }
        long sequence = data.getLong(at + JournalCodec.PREFIX);
        if (sequence <= after || sequence >= upTo) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate().position(at + JournalCodec.PREFIX).limit(at + JournalCodec.PREFIX + length));
        return (int) crc.getValue() == data.getInt(at + 4) ? JournalCodec.PREFIX + length : -1;
    }

    private static String describe(ByteBuffer data, int at, int size) {
        if (size - at < JournalCodec.PREFIX + JournalCodec.STAMP) {
            return "a torn entry header";
        }
        int length = data.getInt(at);
        if (length < JournalCodec.STAMP
                || length > JournalCodec.MAX_ENTRY
                || length > size - at - JournalCodec.PREFIX) {
            return "an entry of impossible length " + length;
        }
        return "an entry that does not check out";
    }

    /**
     * The next position after damage where an entry that checks out starts, or a seal; -1 if none
     * does. Sequences must go up and stay within what the file could hold, so a stretch of events'
     * bytes is never taken for an entry before its checksum is even computed.
     */
    private static int resync(ByteBuffer data, int from, int size, long after, long upTo) {
        for (int at = from; at <= size - JournalCodec.SEAL; at++) {
            if (entryAt(data, at, size, after, upTo) > 0
                    || JournalCodec.recordMatches(
                            data.duplicate().position(at), JournalCodec.SEAL_MAGIC, JournalCodec.SEAL)) {
                return at;
            }
        }
        return -1;
    }
}
