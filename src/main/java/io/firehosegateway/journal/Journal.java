package io.firehosegateway.journal;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * delivered; a sealed segment whose entries are all acknowledged is deleted. On opening, every
 * segment is checked entry by entry and cut at the first torn or garbled entry.
 */
public final class Journal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    private final Path directory;
    private final long maxBytes;
    private final long segmentBytes;
    private final Clock clock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Set<Long> acknowledgedBeforeStart = new HashSet<>();
    private final ConcurrentSkipListMap<Long, Long> pending = new ConcurrentSkipListMap<>();
    private final Map<Long, Object> attachments = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final LinkedBlockingQueue<Append> queue = new LinkedBlockingQueue<>();
    private final Thread writer;

    private Segment active;
    private long nextSequence;
    private Segment reading;
    private long readPosition;
    private volatile boolean open = true;

    private Journal(Path directory, long maxBytes, long segmentBytes, Clock clock) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.clock = clock;
        this.writer = new Thread(this::writeLoop, "journal-writer");
        this.writer.setDaemon(true);
    }

    /** Opens the journal in its directory, recovering what an earlier process left there. */
    public static Journal open(JournalProperties properties, Clock clock) throws IOException {
        Path directory = properties.directory().toAbsolutePath().normalize();
        Files.createDirectories(directory);
        Journal journal = new Journal(
                directory,
                properties.maxSize().toBytes(),
                properties.segmentSize().toBytes(),
                clock);
        journal.recover();
        journal.writer.start();
        return journal;
    }

    private void recover() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(Segment.SUFFIX))
                    .sorted()
                    .toList();
        }
        long entries = 0;
        for (Path file : files) {
            Segment segment = Segment.open(file);
            List<long[]> found = scan(segment);
            Set<Long> acked = new HashSet<>();
            for (long sequence : segment.readAcks()) {
                acked.add(sequence);
            }
            for (long[] entry : found) {
                nextSequence = Math.max(nextSequence, entry[0] + 1);
                if (acked.contains(entry[0])) {
                    segment.acknowledged++;
                    acknowledgedBeforeStart.add(entry[0]);
                } else {
                    pending.put(entry[0], entry[1]);
                }
            }
            segment.entries = found.size();
            segment.committed = segment.size;
            segment.sealed = true;
            if (segment.acknowledged == segment.entries) {
                segment.delete();
                continue;
            }
            entries += segment.entries - segment.acknowledged;
            segments.put(segment.baseSequence, segment);
            bytes.addAndGet(segment.size);
        }
        nextSequence = Math.max(nextSequence, files.isEmpty() ? 0 : lastBase(files) + 1);
        active = Segment.create(directory, nextSequence);
        segments.put(active.baseSequence, active);
        reading = segments.firstEntry().getValue();
        if (entries > 0) {
            log.info(
                    "Journal {}: {} undelivered entries in {} segments to deliver",
                    directory,
                    entries,
                    segments.size() - 1);
        }
    }

    private static long lastBase(List<Path> files) {
        String name = files.get(files.size() - 1).getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - Segment.SUFFIX.length()));
    }

    /** Reads every valid entry's sequence and time; cuts the file at the first one that is not. */
    private List<long[]> scan(Segment segment) throws IOException {
        List<long[]> entries = new ArrayList<>();
        long fileSize = segment.channel.size();
        long position = 0;
        ByteBuffer prefix = ByteBuffer.allocate(JournalCodec.PREFIX);
        while (position < fileSize) {
            String fault = null;
            prefix.clear();
            if (fileSize - position < JournalCodec.PREFIX || !readFully(segment, prefix, position)) {
                fault = "a torn entry header";
            } else {
                int length = prefix.getInt(0);
                if (length < JournalCodec.STAMP
                        || length > JournalCodec.MAX_ENTRY
                        || position + JournalCodec.PREFIX + length > fileSize) {
                    fault = "an entry of impossible length " + length;
                } else {
                    ByteBuffer payload = ByteBuffer.allocate(length);
                    if (!readFully(segment, payload, position + JournalCodec.PREFIX)) {
                        fault = "a torn entry";
                    } else if (!JournalCodec.checksumMatches(prefix.getInt(4), payload.flip())) {
                        fault = "an entry whose checksum does not match";
                    } else {
                        entries.add(new long[] {payload.getLong(0), payload.getLong(8)});
                        position += JournalCodec.PREFIX + length;
                        continue;
                    }
                }
            }
            log.warn(
                    "Journal segment {}: found {} at byte {}; cutting off the last {} bytes and keeping the {} entries before",
                    segment.path.getFileName(),
                    fault,
                    position,
                    fileSize - position,
                    entries.size());
            segment.channel.truncate(position);
            segment.channel.force(true);
            break;
        }
        segment.size = position;
        return entries;
    }

    private static boolean readFully(Segment segment, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = segment.channel.read(buffer, at);
            if (n < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }

    /**
     * Queues a request's events to be written; the future completes once they are on disk.
     *
     * @param attachment handed back with the entry when it is read in this process
     * @throws JournalFullException when the journal may not grow by this entry
     */
    public CompletableFuture<Long> append(String stream, List<Event> events, Object attachment) {
        if (!open) {
            return CompletableFuture.failedFuture(new IOException("The journal is closed"));
        }
        byte[] body = JournalCodec.encodeBody(stream, events);
        long size = JournalCodec.PREFIX + JournalCodec.STAMP + body.length;
        if (bytes.addAndGet(size) > maxBytes) {
            bytes.addAndGet(-size);
            throw new JournalFullException(maxBytes);
        }
        Append append = new Append(body, attachment);
        queue.add(append);
        return append.durable;
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
                for (Append append : batch) {
                    if (active.size >= segmentBytes) {
                        roll();
                    }
                    long sequence = nextSequence++;
                    long now = clock.millis();
                    ByteBuffer entry = JournalCodec.encodeEntry(sequence, now, append.body);
                    while (entry.hasRemaining()) {
                        active.size += active.channel.write(entry, active.size);
                    }
                    active.entries++;
                    append.sequence = sequence;
                    append.appendedAt = now;
                    // Before a roll in this same batch can make the entry readable: the reader
                    // must find its attachment, and an acknowledgement its pending place.
                    pending.put(sequence, now);
                    if (append.attachment != null) {
                        attachments.put(sequence, append.attachment);
                    }
                    if (!touched.contains(active)) {
                        touched.add(active);
                    }
                }
            } finally {
                lock.unlock();
            }
            for (Segment segment : touched) {
                segment.channel.force(false);
                syncs.incrementAndGet();
            }
        } catch (IOException e) {
            failed(batch, e);
            return;
        }
        lock.lock();
        try {
            for (Segment segment : touched) {
                segment.committed = segment.size;
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
     * A write or sync failed (disk full, I/O error): the active segment is cut back to what was
     * synced, so no half-written entry is followed by good ones, and the requests whose entries
     * are not safely on disk are refused.
     */
    private void failed(List<Append> batch, IOException error) {
        log.error("Journal {}: could not write {} entries; their requests are refused", directory, batch.size(), error);
        lock.lock();
        try {
            try {
                active.channel.truncate(active.committed);
            } catch (IOException e) {
                log.error("Journal {}: could not cut back segment {}", directory, active.path, e);
            }
            long lost = active.size - active.committed;
            active.size = active.committed;
            for (Append append : batch) {
                boolean durable = append.sequence >= 0 && append.sequence < active.baseSequence;
                if (durable) {
                    // Written to a segment sealed and synced by a roll earlier in this batch.
                    append.durable.complete(append.sequence);
                    continue;
                }
                if (append.sequence >= 0) {
                    active.entries--;
                    pending.remove(append.sequence);
                    attachments.remove(append.sequence);
                } else {
                    lost += JournalCodec.PREFIX + JournalCodec.STAMP + append.body.length;
                }
                append.durable.completeExceptionally(error);
            }
            bytes.addAndGet(-lost);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: seals the active segment and starts the next. */
    private void roll() throws IOException {
        active.channel.force(false);
        active.committed = active.size;
        active.sealed = true;
        Segment previous = active;
        active = Segment.create(directory, nextSequence);
        segments.put(active.baseSequence, active);
        deleteIfDelivered(previous);
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
                if (readPosition < reading.committed) {
                    long sequence = readSequenceAt(reading, readPosition);
                    int length = readLengthAt(reading, readPosition);
                    long position = readPosition;
                    readPosition += JournalCodec.PREFIX + length;
                    if (acknowledgedBeforeStart.remove(sequence)) {
                        continue;
                    }
                    return readAt(reading, position, length);
                }
                Map.Entry<Long, Segment> next = segments.higherEntry(reading.baseSequence);
                if (reading.sealed && next != null) {
                    Segment finished = reading;
                    reading = next.getValue();
                    readPosition = 0;
                    deleteIfDelivered(finished);
                    continue;
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

    private static int readLengthAt(Segment segment, long position) {
        ByteBuffer prefix = ByteBuffer.allocate(JournalCodec.PREFIX);
        read(segment, prefix, position);
        return prefix.getInt(0);
    }

    private static long readSequenceAt(Segment segment, long position) {
        ByteBuffer sequence = ByteBuffer.allocate(Long.BYTES);
        read(segment, sequence, position + JournalCodec.PREFIX);
        return sequence.getLong(0);
    }

    private JournalEntry readAt(Segment segment, long position, int length) {
        ByteBuffer payload = ByteBuffer.allocate(length);
        read(segment, payload, position + JournalCodec.PREFIX);
        return JournalCodec.decode(payload.flip(), attachments.remove(payload.getLong(0)));
    }

    /** Reads committed bytes, which are on disk and were checked: a failure here is the disk's. */
    private static void read(Segment segment, ByteBuffer buffer, long position) {
        try {
            if (!readFully(segment, buffer, position)) {
                throw new IOException("unexpected end of file");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the journal at " + segment.path + ":" + position, e);
        }
    }

    /** Marks an entry delivered; a sealed segment whose entries are all delivered is deleted. */
    public void acknowledge(long sequence) {
        pending.remove(sequence);
        lock.lock();
        try {
            Map.Entry<Long, Segment> owner = segments.floorEntry(sequence);
            if (owner == null) {
                return;
            }
            Segment segment = owner.getValue();
            segment.acknowledged++;
            segment.writeAck(sequence);
            deleteIfDelivered(segment);
        } catch (IOException e) {
            // The entry stays in the acknowledgement-less part of the log: delivered again after a restart.
            log.warn("Journal {}: could not record the delivery of entry {}", directory, sequence, e);
        } finally {
            lock.unlock();
        }
    }

    private void deleteIfDelivered(Segment segment) {
        if (segment.sealed && segment.acknowledged == segment.entries && segment != reading) {
            segments.remove(segment.baseSequence);
            bytes.addAndGet(-segment.size);
            try {
                segment.delete();
            } catch (IOException e) {
                log.warn("Journal {}: could not delete delivered segment {}", directory, segment.path, e);
            }
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

    /** Entries written and not yet delivered. */
    public long pendingEntries() {
        return pending.size();
    }

    /** When the oldest undelivered entry was written, if any is. */
    public OptionalLong oldestPendingMillis() {
        Map.Entry<Long, Long> oldest = pending.firstEntry();
        return oldest == null ? OptionalLong.empty() : OptionalLong.of(oldest.getValue());
    }

    @Override
    public void close() throws IOException {
        open = false;
        lock.lock();
        try {
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            for (Segment segment : segments.values()) {
                segment.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private static final class Append {
        final byte[] body;
        final Object attachment;
        final CompletableFuture<Long> durable = new CompletableFuture<>();
        long sequence = -1;
        long appendedAt;

        Append(byte[] body, Object attachment) {
            this.body = body;
            this.attachment = attachment;
        }
    }
}
