package io.firehosegateway.generator;

import io.firehosegateway.event.Event;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Makes the load generator's test events, the shape of the original lesson's sender (a random UUID
 * and a timestamp) plus the job and a sequence number, so a reader of the output can tell which
 * job wrote an event and whether any is missing:
 *
 * <pre>{"id":"6f1c…","timestamp":"2026-11-25T18:00:00.123Z","source":"generator","job":"…","sequence":0}</pre>
 */
final class TestEventGenerator {

    private final Clock clock;

    TestEventGenerator(Clock clock) {
        this.clock = clock;
    }

    /** Makes {@code count} events of job {@code jobId}, numbered from {@code firstSequence}. */
    List<Event> events(String jobId, long firstSequence, int count) {
        List<Event> events = new ArrayList<>(count);
        String timestamp = clock.instant().toString();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            // Every value is a UUID, an ISO-8601 instant or a number: nothing to escape.
            String json = "{\"id\":\"" + id + "\",\"timestamp\":\"" + timestamp
                    + "\",\"source\":\"generator\",\"job\":\"" + jobId + "\",\"sequence\":" + (firstSequence + i)
                    + "}\n";
            events.add(new Event(id, json.getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }
}
