package io.firehosegateway.pipeline;

import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalEntry;
import io.firehosegateway.journal.JournalEntryTooLargeException;
import io.firehosegateway.journal.JournalFullException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journaled mode's use of the journal, both ends of it: a request is appended as one entry of
 * one part per stream (a request for one stream is an entry of one part, the journal's first
 * format), and an entry the {@link JournalFeeder} read and handed on is acknowledged once all its
 * events are settled, after which its appender, if still in this process, is told.
 */
final class JournaledDelivery {

    private static final Logger log = LoggerFactory.getLogger(JournaledDelivery.class);

    /** A full journal frees space as delivery catches up: longer than a full buffer's wait. */
    private static final Duration JOURNAL_FULL_RETRY_AFTER = Duration.ofSeconds(5);

    private final Journal journal;

    JournaledDelivery(Journal journal) {
        this.journal = journal;
    }

    /**
     * What the appender of an entry is told once all its events were delivered or given up on: the
     * entry's attachment, in this process only, so the journal never writes it.
     *
     * @param callback takes the tickets of the entry's parts, in the parts' order
     */
    record OnSettled(Consumer<List<DeliveryTicket>> callback) {}

    /**
     * Writes a whole request to the journal as one entry, so it is durable whole or not at all.
     *
     * @param onSettled called, in this process only, once every event was delivered or given up on;
     *     may be {@code null}
     * @return completes with the entry's sequence when it is on disk; fails if it could not be written
     * @throws GatewayFullException when the journal is full
     * @throws TooLargeForJournalException when the request is larger than the whole journal may hold
     */
    CompletableFuture<Long> append(List<RequestPart> parts, Consumer<List<DeliveryTicket>> onSettled) {
        List<JournalEntry.Part> entry = new ArrayList<>(parts.size());
        for (RequestPart part : parts) {
            entry.add(new JournalEntry.Part(part.stream(), part.events()));
        }
        try {
            return journal.appendParts(entry, onSettled == null ? null : new OnSettled(onSettled));
        } catch (JournalFullException e) {
            throw new GatewayFullException(GatewayFullException.Full.JOURNAL, JOURNAL_FULL_RETRY_AFTER);
        } catch (JournalEntryTooLargeException e) {
            throw new TooLargeForJournalException(e.entryBytes(), e.maxBytes());
        }
    }

    /** The journal appended to, which the {@link JournalFeeder} reads in order. */
    Journal journal() {
        return journal;
    }

    /**
     * An entry handed on was settled, each part's ticket done: it is acknowledged, unless an event
     * given up on could not be dead-lettered (the journal is then its only copy, and the entry is
     * read again at the next start); then its appender is told.
     */
    void settled(JournalEntry entry, List<DeliveryTicket> tickets) {
        acknowledge(entry, tickets);
        if (entry.attachment() instanceof OnSettled onSettled) {
            onSettled.callback().accept(tickets);
        }
    }

    private void acknowledge(JournalEntry entry, List<DeliveryTicket> tickets) {
        for (DeliveryTicket ticket : tickets) {
            if (!ticket.deadLettersWritten()) {
                log.error(
                        "Journal entry {}: events given up on could not be dead-lettered; it stays in the journal"
                                + " and is read again at the next start",
                        entry.sequence());
                return;
            }
        }
        journal.acknowledge(entry.sequence());
    }
}
