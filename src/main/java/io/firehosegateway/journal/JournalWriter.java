package io.firehosegateway.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the journal. Appends from many threads queue for it; it writes all that
 * is queued and then fsyncs once, so concurrent requests share the cost of a sync (group commit). It
 * seals a full segment and starts the next (a roll), and when a write fails it cuts the open segment
 * back to what was synced and refuses what was not.
 */
final class JournalWriter {

    // The journal's own logger: operators filter its messages by that name.
    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    private final JournalLog journal;
    private final JournalReader reader;
    private final JournalAcknowledgements acknowledgements;
    private final Clock clock;
    private final JournalHooks hooks;
    private final LinkedBlockingQueue<Append> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong syncs = new AtomicLong();
    /** When a write last failed, in Unix milliseconds; 0 if none has. */
    private volatile long lastWriteFailureMillis;

    JournalWriter(
            JournalLog journal,
            JournalReader reader,
            JournalAcknowledgements acknowledgements,
            Clock clock,
            JournalHooks hooks) {
        this.journal = journal;
        this.reader = reader;
        this.acknowledgements = acknowledgements;
        this.clock = clock;
        this.hooks = hooks;
        this.thread = new Thread(this::writeLoop, "journal-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues an entry of {@code parts}; see {@link Journal#appendParts(List, Object)}. */
    CompletableFuture<Long> append(List<JournalEntry.Part> parts, Object attachment) {
        if (!journal.open) {
            return CompletableFuture.failedFuture(new JournalClosedException(journal.directory));
        }
        byte[] body = JournalCodec.encodeBody(parts);
        long size = JournalCodec.PREFIX + JournalCodec.STAMP + body.length;
        if (size > journal.maxBytes - JournalCodec.HEADER - JournalCodec.SEAL) {
            throw new JournalEntryTooLargeException(size, journal.maxBytes);
        }
        if (!journal.reserve(size)) {
            acknowledgements.reclaimDeliveredActive();
            if (!journal.reserve(size)) {
                throw new JournalFullException(journal.maxBytes);
            }
        }
        Append append = new Append(body, attachment, size);
        hooks.beforeQueue().run();
        queue.add(append);
        if (!journal.open && queue.remove(append)) {
            // The journal closed after this append found it open: its writer may have stopped
            // already, and the entry would wait in the queue, never answered.
            journal.bytes.addAndGet(-size);
            append.durable.completeExceptionally(new JournalClosedException(journal.directory));
        }
        return append.durable;
    }

    /**
     * Waits up to {@link JournalHooks#closeWaitMillis()} for the writer to finish what was queued
     * once the journal is no longer open.
     */
    void awaitStop() {
        try {
            thread.join(hooks.closeWaitMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn(
                    "Journal {}: the writer did not finish within {} ms of closing; entries it has not synced yet"
                            + " are refused",
                    journal.directory,
                    hooks.closeWaitMillis());
        }
    }

    /**
     * Answers appends queued behind a writer that stopped, or that did not finish in time: none is
     * left waiting for an answer that never comes.
     */
    void refuseQueued() {
        for (Append append = queue.poll(); append != null; append = queue.poll()) {
            journal.bytes.addAndGet(-append.size);
            append.durable.completeExceptionally(new JournalClosedException(journal.directory));
        }
    }

    /** Fsyncs made so far. */
    long syncs() {
        return syncs.get();
    }

    /** When a write last failed, in Unix milliseconds; 0 if none has. */
    long lastWriteFailureMillis() {
        return lastWriteFailureMillis;
    }

    private void writeLoop() {
        List<Append> batch = new ArrayList<>();
        while (journal.open || !queue.isEmpty()) {
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
            journal.lock.lock();
            try {
                if (journal.filesClosed) {
                    // The writer outlived close()'s wait: the lock is given up, nothing more is written.
                    throw new JournalClosedException(journal.directory);
                }
                for (Append append : batch) {
                    Segment active = journal.active;
                    if (active != null && active.entries > 0 && active.size >= journal.segmentBytes) {
                        roll();
                    }
                    if (journal.active == null) {
                        startSegment();
                    }
                    active = journal.active;
                    long sequence = journal.nextSequence;
                    long now = clock.millis();
                    ByteBuffer entry = JournalCodec.encodeEntry(sequence, now, append.body);
                    append.segment = active;
                    append.sequence = sequence;
                    journal.nextSequence++;
                    active.entries++;
                    // Before a roll in this same batch can make the entry readable: the reader
                    // must find its attachment, and an acknowledgement its pending place.
                    journal.pending.put(sequence, now);
                    if (append.attachment != null) {
                        journal.attachments.put(sequence, append.attachment);
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
                journal.lock.unlock();
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
        journal.writeFailing = false;
        journal.lock.lock();
        try {
            for (Segment segment : touched) {
                if (!segment.sealed) {
                    segment.committed = segment.size;
                }
            }
            journal.appended.signalAll();
        } finally {
            journal.lock.unlock();
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
        IOException error = journal.open ? cause : new JournalClosedException(journal.directory, cause);
        List<Append> refused = new ArrayList<>(batch.size());
        journal.lock.lock();
        try {
            // Once closed, the journal's files are not touched: what was not synced stays as it is.
            boolean cutBack = !journal.filesClosed;
            Segment active = journal.active;
            if (active != null && active.size > active.committed && cutBack) {
                try {
                    active.channel().truncate(active.committed);
                } catch (IOException e) {
                    cutBack = false;
                    log.error(
                            "Journal {}: could not cut back segment {}; it takes no more entries",
                            journal.directory,
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
                    journal.pending.remove(append.sequence);
                    journal.attachments.remove(append.sequence);
                    firstRefused = Math.min(firstRefused, append.sequence);
                    leftOnDisk.add(append.sequence);
                }
                journal.bytes.addAndGet(-append.size);
            }
            if (firstRefused != Long.MAX_VALUE) {
                if (cutBack) {
                    // Refused entries leave no gap: the sequences of a segment follow on.
                    journal.nextSequence = firstRefused;
                } else {
                    retire(active, leftOnDisk);
                }
            }
            if (journal.writeFailing) {
                // Every refusal is logged; the cause's stack once, when the failures start.
                log.error(
                        "Journal {}: could not write {} entries either ({}); their requests are refused",
                        journal.directory,
                        refused.size(),
                        error.toString());
            } else {
                log.error(
                        "Journal {}: could not write {} entries; their requests are refused",
                        journal.directory,
                        refused.size(),
                        error);
            }
            // Before any request is answered: whoever sees the refusal sees the journal failing.
            lastWriteFailureMillis = clock.millis();
            journal.writeFailing = true;
            // On a full disk the open segment may be what fills it: once delivered it must go.
            acknowledgements.reclaimDeliveredActive();
            journal.appended.signalAll();
        } finally {
            journal.lock.unlock();
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
            acknowledgements.recordDelivery(broken, sequence);
        }
        broken.entriesEnd = broken.committed;
        broken.endSequence = journal.nextSequence;
        broken.sealed = true;
        journal.active = null;
        if (!reader.isReading(broken)) {
            broken.release();
        }
        journal.appended.signalAll();
        acknowledgements.finishIfDelivered(broken);
    }

    /**
     * Under the lock: seals the active segment (its seal says where the next one starts, so a cut
     * at an entry boundary is found) and syncs it. The next segment is created by the next write,
     * so a failure to create it refuses only the entries that were not written.
     */
    private void roll() throws IOException {
        Segment previous = journal.active;
        ByteBuffer seal = JournalCodec.encodeSeal(journal.nextSequence);
        long entriesEnd = previous.size;
        FileChannel channel = previous.channel();
        while (seal.hasRemaining()) {
            previous.size += channel.write(seal, previous.size);
        }
        channel.force(false);
        syncs.incrementAndGet();
        journal.bytes.addAndGet(JournalCodec.SEAL);
        previous.entriesEnd = entriesEnd;
        previous.endSequence = journal.nextSequence;
        previous.committed = previous.size;
        previous.sealed = true;
        journal.active = null;
        if (!reader.isReading(previous)) {
            previous.release();
        }
        journal.appended.signalAll();
        acknowledgements.finishIfDelivered(previous);
    }

    /** Under the lock: creates the segment the next entry goes to. */
    private void startSegment() throws IOException {
        Segment segment = Segment.create(journal.directory, journal.nextSequence, journal.lastBase, journal.files);
        journal.lastBase = segment.baseSequence;
        journal.bytes.addAndGet(segment.size);
        journal.segments.put(segment.baseSequence, segment);
        journal.active = segment;
    }

    /** An entry queued for the writer, and what became of it. */
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
