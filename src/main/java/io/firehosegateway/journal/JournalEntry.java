package io.firehosegateway.journal;

import io.firehosegateway.event.Event;
import java.util.List;

/**
 * One journaled request: its events for one stream.
 *
 * @param sequence the entry's number, unique in this journal; {@link Journal#acknowledge(long)} takes it
 * @param appendedAtMillis when the entry was made durable
 * @param stream the stream its events go to
 * @param events the events, framed as they will be sent
 * @param attachment what the appender handed along, for this process only; {@code null} after a restart
 */
public record JournalEntry(
        long sequence, long appendedAtMillis, String stream, List<Event> events, Object attachment) {}
