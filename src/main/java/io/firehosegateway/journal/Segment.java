package io.firehosegateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One file of the journal, named by the sequence of its first entry, with a side file of checked
 * records of the sequences of its entries that were delivered. Acknowledgements are not fsync'd:
 * losing some in an operating-system crash only means those entries are delivered again (at least
 * once). A segment holds a file handle only while the journal writes or reads it, so a long backlog
 * of segments does not hold one handle each.
 */
final class Segment {

    static final String SUFFIX = ".seg";
    static final String ACK_SUFFIX = ".ack";
    /** A segment's name: its first sequence in 20 digits. */
    static final Pattern NAME = Pattern.compile("\\d{20}\\" + SUFFIX);

    final long baseSequence;
    final Path path;
    final Path ackPath;
    private final JournalFiles files;
    private FileChannel channel;
    /** Closed for good: its files are not opened again (the journal was closed, or the segment deleted). */
    private volatile boolean closed;

    private FileChannel acks;
    /** Bytes of the side file while it is open. */
    private long acksSize;
    /** Acknowledgements that could not be written yet (a full disk): written with the next one. */
    private final List<Long> unwrittenAcks = new ArrayList<>();

    /** Where entries start: after the header, or 0 in a segment written before headers. */
    long dataStart;
    /** Bytes written; guarded by the journal. */
    long size;
    /** Bytes fsync'd and so readable by the feeder. */
    volatile long committed;
    /** Where the entries of a sealed segment end (its seal follows). */
    long entriesEnd;
    /** No more entries will be written to it. */
    volatile boolean sealed;
    /** Found damaged at start: read through {@link #index}, set aside rather than deleted. */
    boolean damaged;
    /** Positions of the entries that check out, when they do not follow on from {@link #dataStart}. */
    long[] index;

    /** One past the last sequence it may hold, once sealed. */
    long endSequence = Long.MAX_VALUE;

    int entries;
    int acknowledged;

    Segment(long baseSequence, Path path, JournalFiles files) {
        this.baseSequence = baseSequence;
        this.path = path;
        this.files = files;
        this.ackPath = path.resolveSibling(fileName(baseSequence, ACK_SUFFIX));
    }

    static String fileName(long baseSequence, String suffix) {
        return String.format("%020d%s", baseSequence, suffix);
    }

    static long baseOf(Path path) {
        String name = path.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    /** Creates the file of a new segment and writes its header; a stale side file is removed first. */
    static Segment create(Path directory, long baseSequence, long previousBase, JournalFiles files) throws IOException {
        Segment segment = new Segment(baseSequence, directory.resolve(fileName(baseSequence, SUFFIX)), files);
        // A side file left by a crash between deleting an earlier segment's two files must not
        // count this segment's entries as delivered.
        Files.deleteIfExists(segment.ackPath);
        segment.channel = files.open(
                segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            ByteBuffer header = JournalCodec.encodeHeader(baseSequence, previousBase);
            while (header.hasRemaining()) {
                segment.size += segment.channel.write(header, segment.size);
            }
            syncDirectory(directory, files);
        } catch (IOException e) {
            // A file left behind, never used, would make every later try to create this segment
            // fail (CREATE_NEW): the journal would refuse all writes until a restart.
            segment.channel.close();
            Files.deleteIfExists(segment.path);
            throw e;
        }
        segment.dataStart = segment.size;
        segment.committed = segment.size;
        return segment;
    }

    /**
     * Makes a new file's name durable: syncing the file's data does not sync its directory entry, and
     * after a power loss the entries of a segment whose name was lost would be gone unseen.
     */
    static void syncDirectory(Path directory, JournalFiles files) throws IOException {
        try (FileChannel entries = files.open(directory, StandardOpenOption.READ)) {
            entries.force(true);
        }
    }

    /**
     * The segment's file, opened if it is not.
     *
     * @throws ClosedChannelException once the segment was closed for good: a write or sync after
     *     the journal closed (its lock given up) must fail, not go to a file opened again
     */
    FileChannel channel() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (channel == null) {
            channel = files.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    /** Gives the file handle back; it is opened again when needed. */
    void release() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was written through it that is not synced already.
            }
            channel = null;
        }
    }

    /**
     * Records a delivery, with any that could not be written before. When this fails the record
     * is kept to be written with the next one, and the journal goes on from what it holds in memory.
     */
    void writeAck(long sequence) throws IOException {
        unwrittenAcks.add(sequence);
        if (closed) {
            throw new ClosedChannelException();
        }
        if (acks == null) {
            acks = FileChannel.open(
                    ackPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            acksSize = acks.size();
        }
        ByteBuffer buffer = ByteBuffer.allocate(unwrittenAcks.size() * JournalCodec.ACK);
        for (long unwritten : unwrittenAcks) {
            JournalCodec.encodeAck(buffer, unwritten);
        }
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                acks.write(buffer);
            }
        } catch (IOException e) {
            // A part written before the failure would misalign every later record.
            acks.truncate(acksSize);
            throw e;
        }
        acksSize += buffer.limit();
        unwrittenAcks.clear();
    }

    /** Acknowledgements not written yet. */
    int unwrittenAcks() {
        return unwrittenAcks.size();
    }

    void releaseAcks() {
        if (acks != null) {
            try {
                acks.close();
            } catch (IOException ignored) {
                // Appends only; what reached the file stays.
            }
            acks = null;
        }
    }

    /** The records of the side file, checked; one that does not check out is skipped. */
    AckRecords readAcks() throws IOException {
        if (!Files.exists(ackPath)) {
            return new AckRecords(new long[0], 0);
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(ackPath));
        long[] sequences = new long[bytes.remaining() / JournalCodec.ACK];
        int valid = 0;
        int invalid = 0;
        while (bytes.remaining() >= JournalCodec.ACK) {
            long sequence = JournalCodec.decodeAck(bytes);
            if (sequence >= 0) {
                sequences[valid++] = sequence;
            } else {
                invalid++;
            }
        }
        if (bytes.hasRemaining()) {
            invalid++;
        }
        return new AckRecords(java.util.Arrays.copyOf(sequences, valid), invalid);
    }

    /** The delivered sequences of a side file, and how many of its records did not check out. */
    record AckRecords(long[] sequences, int invalid) {}

    /** Removes the side file first: a crash between the two leaves entries to deliver again, never lost. */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(ackPath);
        Files.deleteIfExists(path);
    }

    /** Moves the segment to {@code aside}, for an operator to inspect; its side file is removed. */
    Path setAside(Path aside) throws IOException {
        close();
        Files.deleteIfExists(ackPath);
        Files.createDirectories(aside);
        Path target = aside.resolve(path.getFileName());
        Files.move(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Gives the file handles back for good: the segment's files are not opened again. */
    void close() {
        closed = true;
        release();
        releaseAcks();
    }
}
