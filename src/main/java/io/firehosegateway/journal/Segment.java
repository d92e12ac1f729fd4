package io.firehosegateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of the journal, named by the sequence of its first entry, with a side file listing the
 * sequences of its entries that were delivered. Acknowledgements are not fsync'd: losing some in an
 * operating-system crash only means those entries are delivered again (at least once).
 */
final class Segment {

    static final String SUFFIX = ".seg";
    static final String ACK_SUFFIX = ".ack";

    final long baseSequence;
    final Path path;
    final Path ackPath;
    final FileChannel channel;
    private FileChannel acks;

    /** Bytes written; guarded by the journal. */
    long size;
    /** Bytes fsync'd and so readable by the feeder. */
    volatile long committed;
    /** No more entries will be written to it. */
    volatile boolean sealed;

    int entries;
    int acknowledged;

    private Segment(long baseSequence, Path path, FileChannel channel) {
        this.baseSequence = baseSequence;
        this.path = path;
        this.ackPath = path.resolveSibling(fileName(baseSequence, ACK_SUFFIX));
        this.channel = channel;
    }

    static String fileName(long baseSequence, String suffix) {
        return String.format("%020d%s", baseSequence, suffix);
    }

    static Segment create(Path directory, long baseSequence) throws IOException {
        Path path = directory.resolve(fileName(baseSequence, SUFFIX));
        FileChannel channel = FileChannel.open(
                path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(baseSequence, path, channel);
    }

    static Segment open(Path path) throws IOException {
        String name = path.getFileName().toString();
        long base = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        return new Segment(base, path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    void writeAck(long sequence) throws IOException {
        if (acks == null) {
            acks = FileChannel.open(
                    ackPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES).putLong(0, sequence);
        while (buffer.hasRemaining()) {
            acks.write(buffer);
        }
    }

    /** The sequences acknowledged before a restart; a torn last one is ignored. */
    long[] readAcks() throws IOException {
        if (!Files.exists(ackPath)) {
            return new long[0];
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(ackPath));
        long[] sequences = new long[bytes.remaining() / Long.BYTES];
        for (int i = 0; i < sequences.length; i++) {
            sequences[i] = bytes.getLong();
        }
        return sequences;
    }

    void delete() throws IOException {
        close();
        Files.deleteIfExists(path);
        Files.deleteIfExists(ackPath);
    }

    void close() throws IOException {
        channel.close();
        if (acks != null) {
            acks.close();
        }
    }
}
