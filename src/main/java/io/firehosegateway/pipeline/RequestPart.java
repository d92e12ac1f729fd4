package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The events of one request that go to one stream, when a request's events go to several (valid
 * events to their stream, invalid ones routed to another).
 *
 * @param stream the stream these events go to
 * @param events the events, framed as they will be sent
 * @param indexes each event's index in the request, so that what becomes of it is reported by it
 */
public record RequestPart(String stream, List<Event> events, List<Integer> indexes) {

    public RequestPart {
        events = List.copyOf(events);
        indexes = List.copyOf(indexes);
        if (events.size() != indexes.size()) {
            throw new IllegalArgumentException(events.size() + " events but " + indexes.size() + " indexes");
        }
    }

    /** All of a request's events, to one stream: a request for one stream is a request of one part. */
    public static RequestPart whole(String stream, List<Event> events) {
        return new RequestPart(
                stream, events, IntStream.range(0, events.size()).boxed().toList());
    }
}
