package io.firehosegateway.journal;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliveries and the space they free, as retention stands apart from the log in Kafka: records each
 * delivered entry in its segment's side file when it can, deletes a sealed segment whose entries
 * were all delivered (or sets it aside when damaged), and closes and deletes the open segment once
 * delivered when the journal needs the room. The journal goes by what it holds in memory, so a full
 * disk that keeps the records from being written does not keep the segments.
 */
final class JournalAcknowledgements {

    // The journal's own logger: operators filter its messages by that name.
    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    private final JournalLog journal;
    private final JournalReader reader;
    /** Deliveries known in memory but not yet recorded on disk. */
    private final AtomicLong unwrittenAcks = new AtomicLong();
    /** The one segment whose delivery-record file is kept open. */
    private Segment acking;

    JournalAcknowledgements(JournalLog journal, JournalReader reader) {
        this.journal = journal;
        this.reader = reader;
    }

    /** Marks an entry delivered; see {@link Journal#acknowledge(long)}. */
    void acknowledge(long sequence) {
        journal.pending.remove(sequence);
        journal.lock.lock();
        try {
            Map.Entry<Long, Segment> owner = journal.segments.floorEntry(sequence);
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
            if (journal.writeFailing || journal.bytes.get() > journal.maxBytes / 2) {
                reclaimDeliveredActive();
            }
        } finally {
            journal.lock.unlock();
        }
    }

    /** Under the lock: writes the delivery of {@code sequence} to its segment's side file, if it can. */
    void recordDelivery(Segment segment, long sequence) {
        if (journal.filesClosed) {
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
                        journal.directory,
                        segment.ackPath.getFileName(),
                        e.toString());
            }
        }
    }

    /**
     * Closes and deletes the open segment when every entry in it was delivered, so a journal whose
     * limit is near the segment size, or one large request, does not keep it full.
     */
    void reclaimDeliveredActive() {
        journal.lock.lock();
        try {
            Segment active = journal.active;
            if (active != null && active.entries > 0 && active.acknowledged == active.entries) {
                active.entriesEnd = active.size;
                active.endSequence = journal.nextSequence;
                active.sealed = true;
                journal.active = null;
                finishIfDelivered(active);
            }
        } finally {
            journal.lock.unlock();
        }
    }

    /** Under the lock: deletes (or sets aside, when damaged) a sealed segment whose entries were all delivered. */
    void finishIfDelivered(Segment segment) {
        if (!segment.sealed
                || segment.acknowledged < segment.entries
                || !journal.segments.containsKey(segment.baseSequence)) {
            return;
        }
        reader.deleting(segment);
        if (segment == acking) {
            acking = null;
        }
        journal.segments.remove(segment.baseSequence);
        journal.bytes.addAndGet(-segment.size);
        unwrittenAcks.addAndGet(-segment.unwrittenAcks());
        journal.acknowledgedBeforeStart
                .subSet(segment.baseSequence, Math.max(segment.baseSequence, segment.endSequence))
                .clear();
        journal.delete(segment);
    }

    /** Deliveries known in memory but not yet recorded on disk (a full disk). */
    long unrecorded() {
        return Math.max(0, unwrittenAcks.get());
    }
}
