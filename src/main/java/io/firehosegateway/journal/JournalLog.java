package io.firehosegateway.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the journal's parts share, as Kafka's {@code LocalLog} holds a log's segments: the segments
 * in order of their first sequences, the open one, the next sequence to give out, the entries not
 * yet delivered and the bytes held. The recovery fills it, the writer adds to it, the reader reads
 * it and the acknowledgements take from it. Fields that are neither atomic nor concurrent are
 * guarded by {@link #lock}.
 */
final class JournalLog {

    // The journal's own logger: operators filter its messages by that name.
    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    static final String DAMAGED_DIRECTORY = "damaged";

    final Path directory;
    final long maxBytes;
    final long segmentBytes;
    final JournalFiles files;

    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when entries become readable, when a segment is sealed, and when the journal closes. */
    final Condition appended = lock.newCondition();

    final TreeMap<Long, Segment> segments = new TreeMap<>();
    /** Entries found delivered at start in segments that still hold undelivered ones: reading skips them. */
    final TreeSet<Long> acknowledgedBeforeStart = new TreeSet<>();
    /** Entries written and not yet delivered, with when they were written. */
    final ConcurrentSkipListMap<Long, Long> pending = new ConcurrentSkipListMap<>();
    /** What each entry appended in this process hands back when it is read. */
    final Map<Long, Object> attachments = new ConcurrentHashMap<>();
    /** Bytes held on disk, with those reserved by entries queued to be written. */
    final AtomicLong bytes = new AtomicLong();

    /** The segment being written; {@code null} until the next write creates one. */
    Segment active;
    /** The first sequence of the segment created last, for the next one's header. */
    long lastBase = -1;

    long nextSequence;

    /** The last write failed (a full disk): a delivered open segment is then deleted at once to make room. */
    volatile boolean writeFailing;

    volatile boolean open = true;
    /** The segments' files were closed and the lock given up: no file of the journal is touched again. */
    boolean filesClosed;

    JournalLog(Path directory, long maxBytes, long segmentBytes, JournalFiles files) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.files = files;
    }

    /** Reserves room for {@code size} bytes; {@code false} when the journal may not grow by them. */
    boolean reserve(long size) {
        if (bytes.addAndGet(size) > maxBytes) {
            bytes.addAndGet(-size);
            return false;
        }
        return true;
    }

    /** Deletes a delivered segment's files, or sets a damaged one aside for inspection. */
    void delete(Segment segment) {
        if (filesClosed) {
            // The lock is given up, and the directory may be another gateway's now: the files stay,
            // and a restart finds their entries delivered, or delivers them again.
            return;
        }
        try {
            if (segment.damaged) {
                Path kept = segment.setAside(directory.resolve(DAMAGED_DIRECTORY));
                log.warn(
                        "Journal {}: every entry of damaged segment {} that checked out was delivered; it is kept as {}"
                                + " for inspection (delete it when done: it no longer counts against the journal's size)",
                        directory,
                        segment.path.getFileName(),
                        kept);
            } else {
                segment.delete();
            }
        } catch (IOException e) {
            log.warn("Journal {}: could not delete delivered segment {}", directory, segment.path, e);
        }
    }

    /** Closes every segment's files for good; a writer still running fails rather than open them again. */
    void closeFiles() {
        lock.lock();
        try {
            filesClosed = true;
            for (Segment segment : segments.values()) {
                segment.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
