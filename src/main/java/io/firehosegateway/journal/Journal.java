package io.firehosegateway.journal;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
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
 */
public final class Journal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    static final String DAMAGED_DIRECTORY = "damaged";
    /** The smallest journal that holds a few requests. */
    static final long MIN_MAX_BYTES = 8 * 1024;
    /** Segments are at most this share of the journal, so delivered ones free space as it fills. */
    static final int SEGMENTS_PER_JOURNAL = 4;

    private final Path directory;
    private final long maxBytes;
    private final long segmentBytes;
    private final Clock clock;
    private final JournalDirectoryLock directoryLock;
    private final JournalFiles files;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final TreeSet<Long> acknowledgedBeforeStart = new TreeSet<>();
    private final ConcurrentSkipListMap<Long, Long> pending = new ConcurrentSkipListMap<>();
    private final Map<Long, Object> attachments = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong damagedSegments = new AtomicLong();
    private final AtomicLong lostEntries = new AtomicLong();
    private final AtomicLong unwrittenAcks = new AtomicLong();
    private final LinkedBlockingQueue<Append> queue = new LinkedBlockingQueue<>();
    private final Thread writer;

    /** The segment being written; {@code null} until the next write creates one. */
    private Segment active;
    /** The first sequence of the segment created last, for the next one's header. */
    private long lastBase = -1;

    private long nextSequence;
    /** The segment being read; {@code null} when there is none yet. */
    private Segment reading;

    private long readPosition;
    private int readIndex;
    /** The first sequence of the last segment read to its end; reading goes on after it. */
    private long readAfter = -1;
    /** The one segment whose delivery-record file is kept open. */
    private Segment acking;

    /** The last write failed (a full disk): a delivered open segment is then deleted at once to make room. */
    private volatile boolean writeFailing;
    /** When a write last failed, in Unix milliseconds; 0 if none has. */
    private volatile long lastWriteFailureMillis;

    private volatile boolean open = true;
    /** Set by the first {@link #close()}, so a second one (the context's, at shutdown) does nothing. */
    private final AtomicBoolean closing = new AtomicBoolean();
    /** The segments' files were closed and the lock given up: no file of the journal is touched again. */
    private boolean filesClosed;

    /** Where tests hold the journal, and how long {@link #close()} waits for the writer. */
    private final JournalHooks hooks;

    private Journal(
            Path directory,
            long maxBytes,
            long segmentBytes,
            Clock clock,
            JournalDirectoryLock directoryLock,
            JournalFiles files,
            JournalHooks hooks) {
        this.directory = directory;
        this.hooks = hooks;
        this.files = files;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.clock = clock;
        this.directoryLock = directoryLock;
        this.writer = new Thread(this::writeLoop, "journal-writer");
        this.writer.setDaemon(true);
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
        Journal journal = new Journal(directory, maxBytes, segmentBytes, clock, directoryLock, files, hooks);
        try {
            journal.recover();
        } catch (IOException | RuntimeException e) {
            journal.closeFiles();
            throw e;
        }
        journal.writer.start();
        return journal;
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

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        Set<String> segmentNames = new HashSet<>();
        try (Stream<Path> list = Files.list(directory)) {
            for (Path file : (Iterable<Path>) list::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(Segment.SUFFIX) && Files.isRegularFile(file)) {
                    if (!Segment.NAME.matcher(name).matches()) {
                        throw new IllegalStateException("Journal " + directory + ": " + name
                                + " is not a segment of this journal (segments are named by their first sequence in"
                                + " 20 digits, like 00000000000000000000.seg). Move it out of the journal directory"
                                + " and start again.");
                    }
                    files.add(file);
                    segmentNames.add(name.substring(0, name.length() - Segment.SUFFIX.length()));
                }
            }
        }
        files.sort(null);
        removeOrphanAcks(segmentNames);

        List<SegmentScan> scans = new ArrayList<>(files.size());
        for (Path file : files) {
            scans.add(SegmentScan.of(file, Segment.baseOf(file)));
        }
        // Every file is checked before any is changed: a stray file stops the start with the journal as it was.
        for (int i = 0; i < scans.size(); i++) {
            checkBelongs(scans.get(i), i + 1 < scans.size() ? scans.get(i + 1) : null);
        }
        long entries = 0;
        for (int i = 0; i < files.size(); i++) {
            SegmentScan scan = scans.get(i);
            SegmentScan next = i + 1 < scans.size() ? scans.get(i + 1) : null;
            Segment segment = recover(scan, next);
            nextSequence = Math.max(nextSequence, scan.nextSequence());
            if (segment != null) {
                entries += segment.entries - segment.acknowledged;
            }
        }
        for (SegmentScan scan : scans) {
            if (scan.base < nextSequence) {
                lastBase = scan.base;
            }
        }
        if (entries > 0) {
            log.info(
                    "Journal {}: {} undelivered entries in {} segments to deliver",
                    directory,
                    entries,
                    segments.size());
        }
    }

    private void removeOrphanAcks(Set<String> segmentNames) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            for (Path file : (Iterable<Path>) list::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(Segment.ACK_SUFFIX)
                        && !segmentNames.contains(name.substring(0, name.length() - Segment.ACK_SUFFIX.length()))) {
                    // Left by a crash between deleting a segment's two files; a later segment of the
                    // same number must not take its records for its own.
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** A segment whose entries are not those its name says is a copy or was renamed: it would be delivered twice. */
    private void checkBelongs(SegmentScan scan, SegmentScan next) {
        String name = scan.path.getFileName().toString();
        String advice = ". It is a copy or was renamed, not a segment of this journal: move it out of the journal"
                + " directory (keep it if you need to inspect it) and start again.";
        if (scan.headerBase >= 0 && scan.headerBase != scan.base) {
            throw new IllegalStateException("Journal " + directory + ": segment " + name
                    + " says in its header that it is segment " + scan.headerBase + advice);
        }
        long previous = scan.base - 1;
        for (long[] entry : scan.entries) {
            long sequence = entry[0];
            if (sequence <= previous || (next != null && sequence >= next.base)) {
                throw new IllegalStateException("Journal " + directory + ": segment " + name + " holds entry "
                        + sequence + ", which does not belong between its first sequence " + scan.base
                        + (next != null ? " and the next segment's " + next.base : "") + advice);
            }
            previous = sequence;
        }
    }

    /** Sets up one scanned segment; {@code null} when it was deleted or set aside at once. */
    private Segment recover(SegmentScan scan, SegmentScan next) throws IOException {
        String name = scan.path.getFileName().toString();
        Segment segment = new Segment(scan.base, scan.path, files);
        boolean last = next == null;
        long firstFault = scan.faults.isEmpty() ? -1 : scan.faults.get(0)[0];
        long lastEntryAt = scan.entries.isEmpty() ? -1 : scan.entries.get(scan.entries.size() - 1)[2];
        boolean tornTail = last && scan.seal < 0 && firstFault >= 0 && lastEntryAt < firstFault;
        long size = scan.size;
        if (tornTail) {
            log.warn(
                    "Journal segment {}: found {} at byte {}; cutting off the last {} bytes (a write that a crash"
                            + " interrupted, never acknowledged) and keeping the {} entries before",
                    name,
                    scan.faultKinds.get(0),
                    firstFault,
                    size - firstFault,
                    scan.entries.size());
            try (FileChannel channel = FileChannel.open(scan.path, StandardOpenOption.WRITE)) {
                long keep = firstFault < JournalCodec.HEADER && scan.dataStart > 0 ? 0 : firstFault;
                channel.truncate(keep);
                channel.force(true);
                size = keep;
            }
        }
        boolean damaged = !scan.faults.isEmpty() && !tornTail;
        long lost = 0;
        boolean endUnknown = false;
        if (scan.dataStart > 0) {
            long expectedEnd;
            if (scan.seal >= 0) {
                expectedEnd = scan.seal;
            } else if (!last && next.previousBase == scan.base) {
                expectedEnd = next.base;
            } else {
                expectedEnd = scan.entries.isEmpty() ? scan.base : scan.entries.get(scan.entries.size() - 1)[0] + 1;
                endUnknown = !last;
            }
            lost = Math.max(0, expectedEnd - scan.base - scan.entries.size());
        } else if (damaged) {
            // Written before segments had headers and seals: each damaged stretch held at least one entry.
            lost = scan.faults.size();
            endUnknown = true;
        }
        if (lost > 0 || endUnknown) {
            damaged = true;
        }

        Segment.AckRecords acks = segment.readAcks();
        if (acks.invalid() > 0) {
            log.warn(
                    "Journal segment {}: {} delivery records do not check out; their entries are delivered again",
                    name,
                    acks.invalid());
        }
        Set<Long> acked = new HashSet<>();
        for (long sequence : acks.sequences()) {
            acked.add(sequence);
        }
        for (long[] entry : scan.entries) {
            if (acked.contains(entry[0])) {
                segment.acknowledged++;
                acknowledgedBeforeStart.add(entry[0]);
            } else {
                pending.put(entry[0], entry[1]);
            }
        }
        segment.entries = scan.entries.size();
        segment.dataStart = Math.min(scan.dataStart, size);
        segment.size = size;
        segment.committed = size;
        segment.entriesEnd = scan.seal >= 0 && !damaged ? scan.sealAt : size;
        segment.endSequence = scan.nextSequence();
        segment.sealed = true;
        if (damaged) {
            segment.damaged = true;
            segment.index = scan.entries.stream().mapToLong(entry -> entry[2]).toArray();
            damagedSegments.incrementAndGet();
            lostEntries.addAndGet(lost);
            log.error(
                    "Journal segment {} is damaged: {} stretches of it do not check out{}; {} entries that check out are"
                            + " delivered, {} entries are lost{}. The segment is kept as it is and moved to {} once"
                            + " delivered, for inspection.",
                    name,
                    scan.faults.size(),
                    scan.faults.isEmpty()
                            ? ""
                            : " (the first at byte " + firstFault + ": " + scan.faultKinds.get(0) + ")",
                    scan.entries.size(),
                    lost,
                    endUnknown ? ", and an unknown number may be missing from its end" : "",
                    directory.resolve(DAMAGED_DIRECTORY));
        }
        if (segment.acknowledged == segment.entries) {
            segment.sealed = true;
            finish(segment);
            return null;
        }
        segments.put(segment.baseSequence, segment);
        bytes.addAndGet(segment.size);
        return segment;
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
        if (!open) {
            return CompletableFuture.failedFuture(new JournalClosedException(directory));
        }
        byte[] body = JournalCodec.encodeBody(parts);
        long size = JournalCodec.PREFIX + JournalCodec.STAMP + body.length;
        if (size > maxBytes - JournalCodec.HEADER - JournalCodec.SEAL) {
            throw new JournalEntryTooLargeException(size, maxBytes);
        }
        if (!reserve(size)) {
            reclaimDeliveredActive();
            if (!reserve(size)) {
                throw new JournalFullException(maxBytes);
            }
        }
        Append append = new Append(body, attachment, size);
        hooks.beforeQueue().run();
        queue.add(append);
        if (!open && queue.remove(append)) {
            // The journal closed after this append found it open: its writer may have stopped
            // already, and the entry would wait in the queue, never answered.
            bytes.addAndGet(-size);
            append.durable.completeExceptionally(new JournalClosedException(directory));
        }
        return append.durable;
    }

    private boolean reserve(long size) {
        if (bytes.addAndGet(size) > maxBytes) {
            bytes.addAndGet(-size);
            return false;
        }
        return true;
    }

    private void writeLoop() {
        List<Append> batch = new ArrayList<>();
        while (open || !queue.isEmpty()) {
            try {
                Append first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Append> batch) {
        List<Segment> touched = new ArrayList<>(2);
        try {
            lock.lock();
            try {
                if (filesClosed) {
                    // The writer outlived close()'s wait: the lock is given up, nothing more is written.
                    throw new JournalClosedException(directory);
                }
                for (Append append : batch) {
                    if (active != null && active.entries > 0 && active.size >= segmentBytes) {
                        roll();
                    }
                    if (active == null) {
                        startSegment();
                    }
                    long sequence = nextSequence;
                    long now = clock.millis();
                    ByteBuffer entry = JournalCodec.encodeEntry(sequence, now, append.body);
                    append.segment = active;
                    append.sequence = sequence;
                    nextSequence++;
                    active.entries++;
                    // Before a roll in this same batch can make the entry readable: the reader
                    // must find its attachment, and an acknowledgement its pending place.
                    pending.put(sequence, now);
                    if (append.attachment != null) {
                        attachments.put(sequence, append.attachment);
                    }
                    FileChannel channel = active.channel();
                    while (entry.hasRemaining()) {
                        active.size += channel.write(entry, active.size);
                    }
                    append.end = active.size;
                    if (!touched.contains(active)) {
                        touched.add(active);
                    }
                }
            } finally {
                lock.unlock();
            }
            hooks.beforeSync().run();
            for (Segment segment : touched) {
                // A segment sealed by a roll in this batch was synced by it.
                if (!segment.sealed) {
                    segment.channel().force(false);
                    syncs.incrementAndGet();
                }
            }
        } catch (IOException e) {
            failed(batch, e);
            return;
        }
        writeFailing = false;
        lock.lock();
        try {
            for (Segment segment : touched) {
                if (!segment.sealed) {
                    segment.committed = segment.size;
                }
            }
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        for (Append append : batch) {
            append.durable.complete(append.sequence);
        }
    }

    /**
     * A write or sync failed (disk full, I/O error, no file handle left, the journal closing): the
     * active segment is cut back to what was synced, so no half-written entry is followed by good
     * ones. Requests whose entries were synced (into a segment a roll sealed before the failure) are
     * answered as written, since they will be delivered; the others are refused, and they will not
     * be. A refused entry gives its sequence back only when its bytes were cut off: when they could
     * not be, they may be on disk, so the segment takes no more entries and their sequences are
     * never given out again.
     */
    private void failed(List<Append> batch, IOException cause) {
        IOException error = open ? cause : new JournalClosedException(directory, cause);
        List<Append> refused = new ArrayList<>(batch.size());
        lock.lock();
        try {
            // Once closed, the journal's files are not touched: what was not synced stays as it is.
            boolean cutBack = !filesClosed;
            if (active != null && active.size > active.committed && cutBack) {
                try {
                    active.channel().truncate(active.committed);
                } catch (IOException e) {
                    cutBack = false;
                    log.error(
                            "Journal {}: could not cut back segment {}; it takes no more entries",
                            directory,
                            active.path,
                            e);
                }
                // The bytes written past the sync are those of the refused entries below, which give
                // back what they reserved.
                active.size = active.committed;
            }
            long firstRefused = Long.MAX_VALUE;
            List<Long> leftOnDisk = new ArrayList<>();
            for (Append append : batch) {
                if (append.segment != null && append.end > 0 && append.end <= append.segment.committed) {
                    continue;
                }
                refused.add(append);
                if (append.segment != null) {
                    append.segment.entries--;
                    pending.remove(append.sequence);
                    attachments.remove(append.sequence);
                    firstRefused = Math.min(firstRefused, append.sequence);
                    leftOnDisk.add(append.sequence);
                }
                bytes.addAndGet(-append.size);
            }
            if (firstRefused != Long.MAX_VALUE) {
                if (cutBack) {
                    // Refused entries leave no gap: the sequences of a segment follow on.
                    nextSequence = firstRefused;
                } else {
                    retire(active, leftOnDisk);
                }
            }
            if (writeFailing) {
                // Every refusal is logged; the cause's stack once, when the failures start.
                log.error(
                        "Journal {}: could not write {} entries either ({}); their requests are refused",
                        directory,
                        refused.size(),
                        error.toString());
            } else {
                log.error(
                        "Journal {}: could not write {} entries; their requests are refused",
                        directory,
                        refused.size(),
                        error);
            }
            // Before any request is answered: whoever sees the refusal sees the journal failing.
            lastWriteFailureMillis = clock.millis();
            writeFailing = true;
            // On a full disk the open segment may be what fills it: once delivered it must go.
            reclaimDeliveredActive();
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        for (Append append : batch) {
            if (refused.contains(append)) {
                append.durable.completeExceptionally(error);
            } else {
                // Synced into a segment that a roll earlier in this batch sealed: it will be delivered.
                append.durable.complete(append.sequence);
            }
        }
    }

    /**
     * Under the lock: the active segment could not be cut back after its write failed, so refused
     * entries may follow its synced ones on disk. It takes no more entries (the next write starts a
     * segment after the refused sequences, which are not given out again), and each refused entry is
     * recorded as delivered, so a restart that finds it whole does not deliver what was refused. It
     * is read only up to what was synced and deleted once that is delivered.
     */
    private void retire(Segment broken, List<Long> refusedSequences) {
        for (long sequence : refusedSequences) {
            recordDelivery(broken, sequence);
        }
        broken.entriesEnd = broken.committed;
        broken.endSequence = nextSequence;
        broken.sealed = true;
        active = null;
        if (broken != reading) {
            broken.release();
        }
        appended.signalAll();
        finishIfDelivered(broken);
    }

    /**
     * Under the lock: seals the active segment (its seal says where the next one starts, so a cut
     * at an entry boundary is found) and syncs it. The next segment is created by the next write,
     * so a failure to create it refuses only the entries that were not written.
     */
    private void roll() throws IOException {
        Segment previous = active;
        ByteBuffer seal = JournalCodec.encodeSeal(nextSequence);
        long entriesEnd = previous.size;
        FileChannel channel = previous.channel();
        while (seal.hasRemaining()) {
            previous.size += channel.write(seal, previous.size);
        }
        channel.force(false);
        syncs.incrementAndGet();
        bytes.addAndGet(JournalCodec.SEAL);
        previous.entriesEnd = entriesEnd;
        previous.endSequence = nextSequence;
        previous.committed = previous.size;
        previous.sealed = true;
        active = null;
        if (previous != reading) {
            previous.release();
        }
        appended.signalAll();
        finishIfDelivered(previous);
    }

    /** Under the lock: creates the segment the next entry goes to. */
    private void startSegment() throws IOException {
        Segment segment = Segment.create(directory, nextSequence, lastBase, files);
        lastBase = segment.baseSequence;
        bytes.addAndGet(segment.size);
        segments.put(segment.baseSequence, segment);
        active = segment;
    }

    /**
     * The next entry to deliver, in journal order, waiting up to {@code timeoutMillis} for one;
     * {@code null} when none came. Only one consumer may call it.
     */
    public JournalEntry poll(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (open) {
                if (reading == null) {
                    Map.Entry<Long, Segment> next = segments.higherEntry(readAfter);
                    if (next != null) {
                        startReading(next.getValue());
                    }
                }
                if (reading != null) {
                    JournalEntry entry = nextEntry();
                    if (entry != null) {
                        return entry;
                    }
                    Map.Entry<Long, Segment> next = segments.higherEntry(reading.baseSequence);
                    if (reading.sealed && next != null) {
                        Segment finished = reading;
                        startReading(next.getValue());
                        if (finished != active) {
                            finished.release();
                        }
                        finishIfDelivered(finished);
                        continue;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                appended.awaitNanos(left);
            }
            return null;
        } finally {
            lock.unlock();
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
            if (acknowledgedBeforeStart.remove(sequence)) {
                continue;
            }
            return JournalCodec.decode(payload.flip(), attachments.remove(sequence));
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

    /**
     * Marks an entry delivered. The delivery is recorded on disk when it can be; the journal goes by
     * what it holds in memory, so a sealed segment whose entries are all delivered is deleted even
     * when its record could not be written (a full disk), and a crash before then only delivers
     * those entries again.
     */
    public void acknowledge(long sequence) {
        pending.remove(sequence);
        lock.lock();
        try {
            Map.Entry<Long, Segment> owner = segments.floorEntry(sequence);
            if (owner == null) {
                return;
            }
            Segment segment = owner.getValue();
            if (sequence >= segment.endSequence) {
                // Its segment is gone already: the entry was counted delivered before.
                return;
            }
            segment.acknowledged++;
            if (!segment.sealed || segment.acknowledged < segment.entries) {
                recordDelivery(segment, sequence);
            }
            finishIfDelivered(segment);
            if (writeFailing || bytes.get() > maxBytes / 2) {
                reclaimDeliveredActive();
            }
        } finally {
            lock.unlock();
        }
    }

    private void recordDelivery(Segment segment, long sequence) {
        if (filesClosed) {
            // The lock is given up: the entry is delivered again after a restart, at least once.
            return;
        }
        if (acking != segment) {
            if (acking != null) {
                acking.releaseAcks();
            }
            acking = segment;
        }
        int before = segment.unwrittenAcks();
        try {
            segment.writeAck(sequence);
            unwrittenAcks.addAndGet(-before);
        } catch (IOException e) {
            unwrittenAcks.incrementAndGet();
            if (before == 0) {
                log.warn(
                        "Journal {}: could not record deliveries in {} ({}); the journal goes on from memory, the"
                                + " segment is still deleted once delivered, and only a crash before the record is"
                                + " written would deliver those entries again",
                        directory,
                        segment.ackPath.getFileName(),
                        e.toString());
            }
        }
    }

    /**
     * Under the lock: closes and deletes the open segment when every entry in it was delivered, so a
     * journal whose limit is near the segment size, or one large request, does not keep it full.
     */
    private void reclaimDeliveredActive() {
        lock.lock();
        try {
            if (active != null && active.entries > 0 && active.acknowledged == active.entries) {
                Segment delivered = active;
                delivered.entriesEnd = delivered.size;
                delivered.endSequence = nextSequence;
                delivered.sealed = true;
                active = null;
                finishIfDelivered(delivered);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: deletes (or sets aside, when damaged) a sealed segment whose entries were all delivered. */
    private void finishIfDelivered(Segment segment) {
        if (!segment.sealed || segment.acknowledged < segment.entries || !segments.containsKey(segment.baseSequence)) {
            return;
        }
        if (segment == reading) {
            // Every entry of it was read (each was read before it was acknowledged), so reading goes on
            // from the next segment.
            Map.Entry<Long, Segment> next = segments.higherEntry(segment.baseSequence);
            readAfter = segment.baseSequence;
            if (next == null) {
                reading = null;
            } else {
                startReading(next.getValue());
            }
        }
        if (segment == acking) {
            acking = null;
        }
        segments.remove(segment.baseSequence);
        bytes.addAndGet(-segment.size);
        unwrittenAcks.addAndGet(-segment.unwrittenAcks());
        acknowledgedBeforeStart
                .subSet(segment.baseSequence, Math.max(segment.baseSequence, segment.endSequence))
                .clear();
        finish(segment);
    }

    private void finish(Segment segment) {
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

    /** Bytes the journal holds on disk, with entries queued to be written. */
    public long bytes() {
        return bytes.get();
    }

    /** Fsyncs made by appends so far: far fewer than appends when many arrive at once. */
    public long syncs() {
        return syncs.get();
    }

    /** The most bytes the journal may hold. */
    public long maxBytes() {
        return maxBytes;
    }

    /** The size at which segments are sealed: the configured one, or a quarter of {@link #maxBytes()}. */
    public long segmentBytes() {
        return segmentBytes;
    }

    /** Entries written and not yet delivered. */
    public long pendingEntries() {
        return pending.size();
    }

    /** When the oldest undelivered entry was written, if any is. */
    public OptionalLong oldestPendingMillis() {
        Map.Entry<Long, Long> oldest = pending.firstEntry();
        return oldest == null ? OptionalLong.empty() : OptionalLong.of(oldest.getValue());
    }

    /** Segments found damaged when this journal was opened. */
    public long damagedSegments() {
        return damagedSegments.get();
    }

    /** Entries found missing from damaged segments when this journal was opened: acknowledged and lost. */
    public long lostEntries() {
        return lostEntries.get();
    }

    /** Whether the last write failed (a full disk, an I/O error, no file handle left). */
    public boolean writeFailing() {
        return writeFailing;
    }

    /** When a write last failed, if one has. */
    public OptionalLong lastWriteFailureMillis() {
        long at = lastWriteFailureMillis;
        return at == 0 ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /** Deliveries known in memory but not yet recorded on disk (a full disk). */
    public long unrecordedDeliveries() {
        return Math.max(0, unwrittenAcks.get());
    }

    /** The journal's directory. */
    public Path directory() {
        return directory;
    }

    /** Closes the journal; closing it again does nothing. */
    @Override
    public void close() throws IOException {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        open = false;
        lock.lock();
        try {
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(hooks.closeWaitMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            log.warn(
                    "Journal {}: the writer did not finish within {} ms of closing; entries it has not synced yet"
                            + " are refused",
                    directory,
                    hooks.closeWaitMillis());
        }
        closeFiles();
        // Appends queued behind a writer that stopped, or that did not finish in time, are answered
        // now: none is left waiting for an answer that never comes.
        for (Append append = queue.poll(); append != null; append = queue.poll()) {
            bytes.addAndGet(-append.size);
            append.durable.completeExceptionally(new JournalClosedException(directory));
        }
    }

    /** Closes every file of the journal for good; a writer still running fails rather than open them again. */
    private void closeFiles() throws IOException {
        lock.lock();
        try {
            filesClosed = true;
            for (Segment segment : segments.values()) {
                segment.close();
            }
        } finally {
            lock.unlock();
        }
        directoryLock.release();
    }

    private static final class Append {
        final byte[] body;
        final Object attachment;
        final long size;
        final CompletableFuture<Long> durable = new CompletableFuture<>();
        Segment segment;
        long sequence = -1;
        /** Where the entry ends in its segment once written; 0 until then. */
        long end;

        Append(byte[] body, Object attachment, long size) {
            this.body = body;
            this.attachment = attachment;
            this.size = size;
        }
    }
}
