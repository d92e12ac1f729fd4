package io.firehosegateway.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The read cursor of the one consumer that delivers the journal's entries: the segment being read
 * and where in it. It reads only what was synced, skips entries found delivered at start, and moves
 * on to the next segment once one is sealed and read to its end.
 */
final class JournalReader {

    private final JournalLog journal;

    /** The segment being read; {@code null} when there is none yet. */
    private Segment reading;

    private long readPosition;
    private int readIndex;
    /** The first sequence of the last segment read to its end; reading goes on after it. */
    private long readAfter = -1;

    JournalReader(JournalLog journal) {
        this.journal = journal;
    }

    /**
     * The next entry to deliver, in journal order, waiting up to {@code timeoutMillis} for one;
     * {@code null} when none came. A segment read to its end is handed to {@code passed}, which
     * deletes it if every entry of it was delivered already.
     */
    JournalEntry poll(long timeoutMillis, Consumer<Segment> passed) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        journal.lock.lock();
        try {
            while (journal.open) {
                if (reading == null) {
                    Map.Entry<Long, Segment> next = journal.segments.higherEntry(readAfter);
                    if (next != null) {
                        startReading(next.getValue());
                    }
                }
                if (reading != null) {
                    JournalEntry entry = nextEntry();
                    if (entry != null) {
                        return entry;
                    }
                    Map.Entry<Long, Segment> next = journal.segments.higherEntry(reading.baseSequence);
                    if (reading.sealed && next != null) {
                        Segment finished = reading;
                        startReading(next.getValue());
                        if (finished != journal.active) {
                            finished.release();
                        }
                        passed.accept(finished);
                        continue;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                journal.appended.awaitNanos(left);
            }
            return null;
        } finally {
            journal.lock.unlock();
        }
    }

    /** Under the lock: whether {@code segment} is the one being read, whose file the reader still needs. */
    boolean isReading(Segment segment) {
        return segment == reading;
    }

    /**
     * Under the lock: {@code segment} is being deleted. If it is the one being read, every entry of it
     * was read (each was read before it was acknowledged), so reading goes on from the next segment.
     */
    void deleting(Segment segment) {
        if (segment != reading) {
            return;
        }
        Map.Entry<Long, Segment> next = journal.segments.higherEntry(segment.baseSequence);
        readAfter = segment.baseSequence;
        if (next == null) {
            reading = null;
        } else {
            startReading(next.getValue());
        }
    }

    private void startReading(Segment segment) {
        if (reading != null) {
            readAfter = reading.baseSequence;
        }
        reading = segment;
        readPosition = segment.dataStart;
        readIndex = 0;
    }

    /** Under the lock: the next readable entry of the segment being read, or {@code null}. */
    private JournalEntry nextEntry() {
        while (true) {
            long position;
            if (reading.index != null) {
                if (readIndex >= reading.index.length) {
                    return null;
                }
                position = reading.index[readIndex];
            } else {
                long end = reading.sealed ? reading.entriesEnd : reading.committed;
                if (readPosition >= end) {
                    return null;
                }
                position = readPosition;
            }
            ByteBuffer prefix = ByteBuffer.allocate(JournalCodec.PREFIX);
            read(reading, prefix, position);
            int length = prefix.getInt(0);
            ByteBuffer payload = ByteBuffer.allocate(length);
            read(reading, payload, position + JournalCodec.PREFIX);
            readIndex++;
            readPosition = position + JournalCodec.PREFIX + length;
            long sequence = payload.getLong(0);
            if (journal.acknowledgedBeforeStart.remove(sequence)) {
                continue;
            }
            return JournalCodec.decode(payload.flip(), journal.attachments.remove(sequence));
        }
    }

    /** Reads committed bytes, which are on disk and were checked: a failure here is the disk's. */
    private static void read(Segment segment, ByteBuffer buffer, long position) {
        try {
            FileChannel channel = segment.channel();
            long at = position;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at);
                if (n < 0) {
                    throw new IOException("unexpected end of file");
                }
                at += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the journal at " + segment.path + ":" + position, e);
        }
    }
}
