package io.firehosegateway.pipeline;

import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalEntry;
import io.firehosegateway.pipeline.PipelineStreams.StreamKey;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the journal in order and hands its entries to the pipeline as buffer room allows, taking at
 * most the background share so clients' bodies can still be read while the destination is down.
 * Every entry takes one path, whether its request went to one stream or several: each part to its
 * stream, and the {@link JournaledDelivery} acknowledges the entry (its disk space freed in time)
 * once all its events were delivered or dead-lettered. Entries left at a crash are read again at
 * the next start: at least once.
 *
 * <p>On a {@code per-key} stream, an entry of a backed-up partition key is set aside (in memory,
 * beside the buffer, at most the background share of the buffer's bound; past that the feeder
 * waits for them) and the entries behind it go on: a hot key does not
 * hold up the others. Its key's later entries are set aside behind it, so each key keeps the
 * journal's order; a set-aside entry is acknowledged only once delivered, so a restart reads it
 * again, in order.
 */
final class JournalFeeder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JournalFeeder.class);

    private final Journal journal;
    private final JournaledDelivery journaled;
    private final Pipeline pipeline;
    private final PipelineStreams streams;
    /** How often set-aside entries are tried again while nothing new is read. */
    private static final long PARKED_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private volatile boolean running;
    private Thread thread;
    /** Entries set aside behind a backed-up partition key, in journal order; the feeder's thread only. */
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();

    private long parkedEvents;
    private long parkedBytes;

    /**
     * @param journaled the journal the entries are read from, and what acknowledges them
     * @param pipeline what delivers them
     */
    JournalFeeder(JournaledDelivery journaled, Pipeline pipeline) {
        this.journal = journaled.journal();
        this.journaled = journaled;
        this.pipeline = pipeline;
        this.streams = pipeline.byName();
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::feed, "journal-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    private void feed() {
        while (running) {
            try {
                handParked();
                if (parkedEvents >= pipeline.maxBackgroundChunk() || parkedBytes >= pipeline.maxParkedBytes()) {
                    // As much set aside as background work may hold: wait for a backed-up key to
                    // drain rather than hold more of the journal in memory.
                    LockSupport.parkNanos(PARKED_RETRY_NANOS);
                    continue;
                }
                JournalEntry entry = journal.poll(parked.isEmpty() ? 200 : 10);
                if (entry != null) {
                    handOrPark(entry);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // One unreadable entry must not stop delivery of the rest: it stays undelivered in
                // the journal (and is read again at the next start), the feeder goes on.
                log.error("The journal feeder could not hand an entry on; it goes on with the next", e);
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /**
     * On a {@code per-key} stream, an entry with a key that is backed up (its share of the buffer
     * waiting), or behind a set-aside entry of one of its keys, is set aside so that the entries
     * of other keys behind it are not held up; the order within each key stays the journal's. Every
     * part of a routed entry counts, each by its own stream: its wrappers may go to a per-key
     * stream although the request's own stream keeps no order.
     */
    private void handOrPark(JournalEntry entry) throws InterruptedException {
        PipelineStreams.KeysNow now = streams.keysNow(entry.parts());
        if (now.keys().isEmpty() || (!sharesAKey(now.keys(), blockedKeys()) && now.haveRoom())) {
            hand(entry);
            return;
        }
        Parked set = new Parked(entry, now.keys(), bytesOf(entry));
        parked.add(set);
        parkedEvents += entry.events().size();
        parkedBytes += set.bytes;
    }

    /** Hands on, in journal order, the set-aside entries whose keys have room again. */
    private void handParked() throws InterruptedException {
        if (parked.isEmpty()) {
            return;
        }
        Set<StreamKey> blocked = new HashSet<>();
        for (Iterator<Parked> it = parked.iterator(); it.hasNext() && running; ) {
            Parked next = it.next();
            if (!sharesAKey(next.keys, blocked)
                    && streams.keysNow(next.entry.parts()).haveRoom()) {
                it.remove();
                parkedEvents -= next.entry.events().size();
                parkedBytes -= next.bytes;
                hand(next.entry);
            } else {
                blocked.addAll(next.keys);
            }
        }
    }

    private Set<StreamKey> blockedKeys() {
        Set<StreamKey> blocked = new HashSet<>();
        for (Parked entry : parked) {
            blocked.addAll(entry.keys);
        }
        return blocked;
    }

    private static boolean sharesAKey(Set<StreamKey> keys, Set<StreamKey> blocked) {
        if (blocked.isEmpty()) {
            return false;
        }
        for (StreamKey key : keys) {
            if (blocked.contains(key)) {
                return true;
            }
        }
        return false;
    }

    /** An entry set aside, with its partition keys. */
    private record Parked(JournalEntry entry, Set<StreamKey> keys, long bytes) {}

    private static long bytesOf(JournalEntry entry) {
        long bytes = 0;
        for (var event : entry.events()) {
            bytes += event.size();
        }
        return bytes;
    }

    private void hand(JournalEntry entry) throws InterruptedException {
        for (JournalEntry.Part part : entry.parts()) {
            if (!streams.names().contains(part.stream())) {
                log.error(
                        "Journal entry {} is for stream {}, which is no longer configured; it stays in the journal",
                        entry.sequence(),
                        part.stream());
                return;
            }
        }
        long bytes = bytesOf(entry);
        // Closed on every path: once the events are handed on they own the room and closing gives
        // nothing back; if handing them on throws, the room is given back rather than leaked, which
        // would shrink the buffer for good and, after a few such entries, stall the journal's stream.
        try (Admission admission = pipeline.admitBackground(entry.events().size(), bytes)) {
            if (!admission.reserveWhenFree(entry.events().size(), bytes, () -> running)) {
                return;
            }
            List<DeliveryTicket> tickets = pipeline.deliver(entry.parts(), admission);
            CompletableFuture.allOf(tickets.stream().map(DeliveryTicket::done).toArray(CompletableFuture[]::new))
                    .thenRun(() -> journaled.settled(entry, tickets));
        }
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the pipeline drains. */
    @Override
    public int getPhase() {
        return Pipeline.PHASE + 1;
    }
}
