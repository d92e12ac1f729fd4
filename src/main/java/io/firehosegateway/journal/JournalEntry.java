package io.firehosegateway.journal;

import io.firehosegateway.event.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * One journaled request: its events, by the stream they go to. A request has one part, or two when
 * some of its events were routed to another stream; its parts are written, and read back, together.
 *
 * @param sequence the entry's number, unique in this journal; {@link Journal#acknowledge(long)} takes it
 * @param appendedAtMillis when the entry was made durable
 * @param parts the events of each stream, in the order the request gave them
 * @param attachment what the appender handed along, for this process only; {@code null} after a restart
 */
public record JournalEntry(long sequence, long appendedAtMillis, List<Part> parts, Object attachment) {

    public JournalEntry {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("an entry has at least one part");
        }
    }

    /**
     * The events of one request that go to one stream.
     *
     * @param stream the stream its events go to
     * @param events the events, framed as they will be sent
     */
    public record Part(String stream, List<Event> events) {}

    /** The stream of the entry's first part: the stream the request was sent to. */
    public String stream() {
        return parts.get(0).stream();
    }

    /** Every event of the entry, part after part. */
    public List<Event> events() {
        if (parts.size() == 1) {
            return parts.get(0).events();
        }
        List<Event> events = new ArrayList<>();
        for (Part part : parts) {
            events.addAll(part.events());
        }
        return events;
    }
}
