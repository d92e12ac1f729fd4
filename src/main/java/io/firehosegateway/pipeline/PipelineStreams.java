package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's streams by name, as {@link PipelineAssembly} made them at the start: each one's
 * dispatcher and meters, the buffer bound and the timer they share. Events reach a stream only
 * through {@link #take}, which takes a request's parts whole; the counts of events taken and refused
 * are kept here, one place for each.
 */
final class PipelineStreams {

    private static final Logger log = LoggerFactory.getLogger(PipelineStreams.class);

    private final BufferBudget budget;
    private final ScheduledThreadPoolExecutor timer;
    private final Map<String, StreamDispatcher> dispatchers;
    private final Map<String, GatewayMetrics.StreamMeters> meters;

    /**
     * @param budget the buffer bound every stream shares
     * @param timer the one timer of every stream's lingers, backoffs and confirmed requests' deadlines
     * @param dispatchers each stream's dispatcher, the default stream first
     * @param meters each stream's meters
     */
    PipelineStreams(
            BufferBudget budget,
            ScheduledThreadPoolExecutor timer,
            Map<String, StreamDispatcher> dispatchers,
            Map<String, GatewayMetrics.StreamMeters> meters) {
        this.budget = budget;
        this.timer = timer;
        this.dispatchers = dispatchers;
        this.meters = meters;
    }

    BufferBudget budget() {
        return budget;
    }

    ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    /** The streams' names, the default one first. */
    Set<String> names() {
        return dispatchers.keySet();
    }

    /**
     * The stream's dispatcher.
     *
     * @throws UnknownStreamException when the stream is not configured
     */
    StreamDispatcher dispatcher(String stream) {
        StreamDispatcher dispatcher = dispatchers.get(stream);
        if (dispatcher == null) {
            throw new UnknownStreamException(stream);
        }
        return dispatcher;
    }

    /** Each stream's recent calls. */
    Map<String, DeliveryStatus> status() {
        Map<String, DeliveryStatus> status = new LinkedHashMap<>();
        dispatchers.forEach((stream, dispatcher) -> status.put(stream, dispatcher.status()));
        return status;
    }

    /** One stream's events with a new ticket, to be taken with the rest of their request. */
    RequestIntake.Offer offer(String stream, List<Event> events, long deadlineNanos) {
        return new RequestIntake.Offer(
                dispatcher(stream), events, new DeliveryTicket(stream, events.size()), deadlineNanos);
    }

    /**
     * The one way events reach their streams, whatever brought them: every offer is taken, or none.
     * Offered first, and marked submitted only once taken: a per-key stream may refuse a backed-up
     * key, and should taking throw, the admission still gives the room back. Nothing settles the
     * events before they are marked submitted here, on this thread, before the caller closes the
     * admission.
     *
     * @param mayRefuse whether a per-key stream may refuse a backed-up key
     * @return each offer's ticket, in the offers' order
     * @throws PartitionKeyBacklogException when refused; nothing was taken
     */
    static List<DeliveryTicket> take(List<RequestIntake.Offer> offers, Admission admission, boolean mayRefuse) {
        RequestIntake.take(offers, mayRefuse);
        admission.markSubmitted();
        List<DeliveryTicket> tickets = new ArrayList<>(offers.size());
        for (RequestIntake.Offer offer : offers) {
            tickets.add(offer.ticket());
        }
        return tickets;
    }

    /**
     * Refuses a request whole when one of its events, as its stream's sink sends it, is larger than
     * the sink takes: the API measured the events as received, and a sink may write them larger.
     *
     * @throws EventTooLargeAsSentException naming the first such event, the part's events counted refused
     */
    void checkSizesAsSent(RequestPart part) {
        StreamDispatcher dispatcher = dispatcher(part.stream());
        int max = dispatcher.limits().maxRecordBytes();
        List<Event> events = part.events();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            int size = dispatcher.bytesAsSent(event.framed());
            if (size > max) {
                rejected(part.stream(), events.size());
                throw new EventTooLargeAsSentException(part.indexes().get(i), event.id(), size, max);
            }
        }
    }

    /**
     * Whether the stream takes these events now without a partition key growing past its share of
     * the buffer: always, unless the stream keeps order per key and one of their keys is backed up.
     */
    boolean keysHaveRoom(String stream, List<Event> events) {
        StreamDispatcher dispatcher = dispatchers.get(stream);
        return dispatcher == null || RequestIntake.keysHaveRoom(dispatcher, events);
    }

    /** The partition keys of the events, as their stream finds them; none on a stream without order. */
    Set<String> orderedKeysOf(String stream, List<Event> events) {
        StreamDispatcher dispatcher = dispatchers.get(stream);
        return dispatcher == null || dispatcher.ordering() != Ordering.PER_KEY
                ? Set.of()
                : RequestIntake.keysOf(dispatcher, events);
    }

    /** Counts a stream's events received: taken in memory, or on disk in the journaled mode. */
    void accepted(String stream, int events) {
        meters.get(stream).accepted(events);
    }

    /** Counts a stream's events of a request that was refused; none for a stream that is not configured. */
    void rejected(String stream, int events) {
        GatewayMetrics.StreamMeters streamMeters = meters.get(stream);
        if (streamMeters != null && events > 0) {
            streamMeters.rejected(events);
        }
    }

    /**
     * Sends what every stream holds and waits for it to settle, until {@code drain} passed; then
     * stops the timer.
     *
     * @param journaled whether what is left stays in the journal for the next start, or is lost
     * @param drainTimeout the setting, for the log of what is lost
     */
    void drain(Duration drain, boolean journaled, Duration drainTimeout) {
        long deadline = System.nanoTime() + drain.toNanos();
        try {
            for (Map.Entry<String, StreamDispatcher> entry : dispatchers.entrySet()) {
                long left = entry.getValue().drain(Math.max(0, deadline - System.nanoTime()));
                if (left > 0 && journaled) {
                    log.info("Stream {}: {} events stay in the journal for the next start", entry.getKey(), left);
                } else if (left > 0) {
                    log.warn(
                            "Stream {}: {} events were not delivered within the drain timeout of {} and are lost",
                            entry.getKey(),
                            left,
                            drainTimeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
        }
    }
}
