package io.firehosegateway.journal;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A segmented append-only log of requests, written before they are acknowledged and read back by
 * the one consumer that delivers them.
 *
 * <p>Appends from many threads queue for one writer thread, which writes all that is queued and
 * then fsyncs once: concurrent requests share the cost of a sync (group commit). An entry becomes
 * readable, and its append completes, only once it is on disk. Each entry is acknowledged when
 * delivered; a sealed segment whose entries are all delivered is deleted, whether or not its
 * delivery records could be written (a full disk must not keep it), and an open segment whose
 * entries are all delivered is closed and deleted when the journal needs the space.
 *
 * <p>The journal owns its directory: a lock on {@code journal.lock} keeps a second gateway out. On
 * opening, every segment is checked entry by entry. A torn tail of the last segment (a crash while
 * writing) is cut off; damage anywhere else is not a torn tail: the segment is kept whole, every
 * entry in it that checks out is delivered, what is missing is counted and logged, and the segment
 * is set aside in {@code damaged/} once delivered.
 *
 * <p>This class is the facade over the parts that do the work, as Kafka's {@code UnifiedLog} is over
 * its log's: {@link JournalDirectoryLock}, {@link JournalRecovery} (with {@link SegmentScan}),
 * {@link JournalWriter}, {@link JournalReader} and {@link JournalAcknowledgements}, which share a
 * {@link JournalLog}.
 */
public final class Journal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    /** The smallest journal that holds a few requests. */
    static final long MIN_MAX_BYTES = 8 * 1024;
    /** Segments are at most this share of the journal, so delivered ones free space as it fills. */
    static final int SEGMENTS_PER_JOURNAL = 4;

    private final JournalLog journal;
    private final JournalDirectoryLock directoryLock;
    private final JournalRecovery.Report recovered;
    private final JournalReader reader;
    private final JournalAcknowledgements acknowledgements;
    private final JournalWriter writer;
    /** Set by the first {@link #close()}, so a second one (the context's, at shutdown) does nothing. */
    private final AtomicBoolean closing = new AtomicBoolean();

    private Journal(
            JournalLog journal,
            JournalDirectoryLock directoryLock,
            JournalRecovery.Report recovered,
            Clock clock,
            JournalHooks hooks) {
        this.journal = journal;
        this.directoryLock = directoryLock;
        this.recovered = recovered;
        this.reader = new JournalReader(journal);
        this.acknowledgements = new JournalAcknowledgements(journal, reader);
        this.writer = new JournalWriter(journal, reader, acknowledgements, clock, hooks);
    }

    /**
     * Opens the journal in its directory, recovering what an earlier process left there.
     *
     * @throws JournalDirectoryInUseException when another gateway holds the directory
     * @throws IllegalArgumentException when the sizes cannot work together
     * @throws IllegalStateException when the directory holds a file that is not one of its segments
     */
    public static Journal open(JournalProperties properties, Clock clock) throws IOException {
        return open(properties, clock, JournalFiles.SYSTEM, JournalHooks.NONE);
    }

    /** Opens the journal with its segments' files opened by {@code files}. */
    static Journal open(JournalProperties properties, Clock clock, JournalFiles files) throws IOException {
        return open(properties, clock, files, JournalHooks.NONE);
    }

    /** Opens the journal with its segments' files opened by {@code files}, held where {@code hooks} say. */
    static Journal open(JournalProperties properties, Clock clock, JournalFiles files, JournalHooks hooks)
            throws IOException {
        Path directory = properties.directory().toAbsolutePath().normalize();
        long maxBytes = properties.maxSize().toBytes();
        long segmentBytes = segmentBytes(maxBytes, properties.segmentSize().toBytes());
        Files.createDirectories(directory);
        JournalDirectoryLock directoryLock = JournalDirectoryLock.acquire(directory);
        JournalLog journal = new JournalLog(directory, maxBytes, segmentBytes, files);
        JournalRecovery.Report recovered;
        try {
            recovered = JournalRecovery.recover(journal);
        } catch (IOException | RuntimeException e) {
            journal.closeFiles();
            directoryLock.release();
            throw e;
        }
        Journal opened = new Journal(journal, directoryLock, recovered, clock, hooks);
        opened.writer.start();
        return opened;
    }

    /**
     * The segment size to use: the configured one, or a quarter of the journal when that is smaller,
     * since an open segment cannot be deleted and a journal of one or two segments would fill with
     * delivered entries.
     */
    private static long segmentBytes(long maxBytes, long configured) {
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("gateway.journal.max-size is " + maxBytes
                    + " bytes; it must be at least " + MIN_MAX_BYTES + " bytes (8KB) to hold a request");
        }
        if (configured <= 0) {
            throw new IllegalArgumentException("gateway.journal.segment-size must be positive, not " + configured);
        }
        long cap = maxBytes / SEGMENTS_PER_JOURNAL;
        if (configured > cap) {
            log.info(
                    "gateway.journal.segment-size of {} bytes is more than a quarter of gateway.journal.max-size ({} bytes);"
                            + " segments of {} bytes are used, so delivered ones can be deleted while the journal fills",
                    configured,
                    maxBytes,
                    cap);
            return cap;
        }
        return configured;
    }

    /**
     * Queues a request's events to be written; the future completes once they are on disk.
     *
     * @param attachment handed back with the entry when it is read in this process
     * @throws JournalFullException when the journal may not grow by this entry now
     * @throws JournalEntryTooLargeException when the entry is larger than the whole journal may hold
     */
    public CompletableFuture<Long> append(String stream, List<Event> events, Object attachment) {
        return appendParts(List.of(new JournalEntry.Part(stream, events)), attachment);
    }

    /**
     * Queues a request whose events go to several streams as one entry: one checksum and one fsync
     * cover every part, so after a crash the request is in the journal whole or not at all.
     *
     * @param attachment handed back with the entry when it is read in this process
     * @throws JournalFullException when the journal may not grow by this entry now
     * @throws JournalEntryTooLargeException when the entry is larger than the whole journal may hold
     */
    public CompletableFuture<Long> appendParts(List<JournalEntry.Part> parts, Object attachment) {
        return writer.append(parts, attachment);
    }

    /**
     * The next entry to deliver, in journal order, waiting up to {@code timeoutMillis} for one;
     * {@code null} when none came. Only one consumer may call it.
     */
    public JournalEntry poll(long timeoutMillis) throws InterruptedException {
        return reader.poll(timeoutMillis, acknowledgements::finishIfDelivered);
    }

    /**
     * Marks an entry delivered. The delivery is recorded on disk when it can be; the journal goes by
     * what it holds in memory, so a sealed segment whose entries are all delivered is deleted even
     * when its record could not be written (a full disk), and a crash before then only delivers
     * those entries again.
     */
    public void acknowledge(long sequence) {
        acknowledgements.acknowledge(sequence);
    }

    /**
     * Every gauge of the journal in one record, read from its parts one after the other: each value
     * is current, though the parts do not stop for the reading.
     */
    public JournalStats stats() {
        return new JournalStats(
                bytes(),
                maxBytes(),
                segmentBytes(),
                syncs(),
                pendingEntries(),
                oldestPendingMillis(),
                damagedSegments(),
                lostEntries(),
                writeFailing(),
                lastWriteFailureMillis(),
                unrecordedDeliveries());
    }

    /** Bytes the journal holds on disk, with entries queued to be written. */
    public long bytes() {
        return journal.bytes.get();
    }

    /** Fsyncs made by appends so far: far fewer than appends when many arrive at once. */
    public long syncs() {
        return writer.syncs();
    }

    /** The most bytes the journal may hold. */
    public long maxBytes() {
        return journal.maxBytes;
    }

    /** The size at which segments are sealed: the configured one, or a quarter of {@link #maxBytes()}. */
    public long segmentBytes() {
        return journal.segmentBytes;
    }

    /** Entries written and not yet delivered. */
    public long pendingEntries() {
        return journal.pending.size();
    }

    /** When the oldest undelivered entry was written, if any is. */
    public OptionalLong oldestPendingMillis() {
        Map.Entry<Long, Long> oldest = journal.pending.firstEntry();
        return oldest == null ? OptionalLong.empty() : OptionalLong.of(oldest.getValue());
    }

    /** Segments found damaged when this journal was opened. */
    public long damagedSegments() {
        return recovered.damagedSegments();
    }

    /** Entries found missing from damaged segments when this journal was opened: acknowledged and lost. */
    public long lostEntries() {
        return recovered.lostEntries();
    }

    /** Whether the last write failed (a full disk, an I/O error, no file handle left). */
    public boolean writeFailing() {
        return journal.writeFailing;
    }

    /** When a write last failed, if one has. */
    public OptionalLong lastWriteFailureMillis() {
        long at = writer.lastWriteFailureMillis();
        return at == 0 ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /** Deliveries known in memory but not yet recorded on disk (a full disk). */
    public long unrecordedDeliveries() {
        return acknowledgements.unrecorded();
    }

    /** The journal's directory. */
    public Path directory() {
        return journal.directory;
    }

    /** Closes the journal; closing it again does nothing. */
    @Override
    public void close() throws IOException {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        journal.open = false;
        journal.lock.lock();
        try {
            journal.appended.signalAll();
        } finally {
            journal.lock.unlock();
        }
        writer.awaitStop();
        journal.closeFiles();
        directoryLock.release();
        writer.refuseQueued();
    }
}
