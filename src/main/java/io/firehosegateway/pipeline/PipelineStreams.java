package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.journal.JournalEntry;
import io.firehosegateway.metrics.StreamMeters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
    private final Map<String, StreamMeters> meters;

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
            Map<String, StreamMeters> meters) {
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

    /**
     * A request's parts checked and keyed, each by its own stream's partition-key (a routed wrapper
     * by its target's): every part's stream must be configured, and every event fit its sink as the
     * sink sends it, the API having measured the events as received, and a sink may write them larger.
     *
     * @throws UnknownStreamException when a part's stream is not configured
     * @throws EventTooLargeAsSentException naming the first event too large
     * @throws InvalidPartitionKeyException when an event's partition key cannot be read
     */
    List<RequestPart> keyed(List<RequestPart> parts) {
        for (RequestPart part : parts) {
            checkSizesAsSent(part, dispatcher(part.stream()).destination());
        }
        List<RequestPart> keyed = new ArrayList<>(parts.size());
        for (RequestPart part : parts) {
            keyed.add(new RequestPart(
                    part.stream(), dispatcher(part.stream()).policy().keys().keyed(part.events()), part.indexes()));
        }
        return keyed;
    }

    private void checkSizesAsSent(RequestPart part, StreamDestination destination) {
        int max = destination.limits().maxRecordBytes();
        List<Event> events = part.events();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            int size = destination.sink().bytesAsSent(event.framed());
            if (size > max) {
                throw new EventTooLargeAsSentException(part.indexes().get(i), event.id(), size, max);
            }
        }
    }

    /**
     * The one way events reach their streams, whatever brought them: every part is taken, or none.
     * Offered first, and marked submitted only once taken: a per-key stream may refuse a backed-up
     * key, and should taking throw, the admission still gives the room back. Nothing settles the
     * events before they are marked submitted here, on this thread, before the caller closes the
     * admission.
     *
     * @param deadlineNanos when the parts' client stops waiting; {@link Deadlines#NO_CLIENT_WAITS} for never
     * @param mayRefuse whether a per-key stream may refuse a backed-up key
     * @return each part's ticket, in the parts' order
     * @throws PartitionKeyBacklogException when refused; nothing was taken
     */
    List<DeliveryTicket> take(List<RequestPart> parts, long deadlineNanos, Admission admission, boolean mayRefuse) {
        List<RequestIntake.Offer> offers = new ArrayList<>(parts.size());
        for (RequestPart part : parts) {
            offers.add(offer(part.stream(), part.events(), deadlineNanos));
        }
        return take(offers, admission, mayRefuse);
    }

    /**
     * A journal entry's parts taken whole, whatever their keys' backlog: the entry is on disk already.
     *
     * @return each part's ticket, in the parts' order
     */
    List<DeliveryTicket> take(List<JournalEntry.Part> parts, Admission admission) {
        List<RequestIntake.Offer> offers = new ArrayList<>(parts.size());
        for (JournalEntry.Part part : parts) {
            offers.add(offer(part.stream(), part.events(), Deadlines.NO_CLIENT_WAITS));
        }
        return take(offers, admission, false);
    }

    private RequestIntake.Offer offer(String stream, List<Event> events, long deadlineNanos) {
        return new RequestIntake.Offer(
                dispatcher(stream), events, new DeliveryTicket(stream, events.size()), deadlineNanos);
    }

    private static List<DeliveryTicket> take(List<RequestIntake.Offer> offers, Admission admission, boolean mayRefuse) {
        RequestIntake.take(offers, mayRefuse);
        admission.markSubmitted();
        List<DeliveryTicket> tickets = new ArrayList<>(offers.size());
        for (RequestIntake.Offer offer : offers) {
            tickets.add(offer.ticket());
        }
        return tickets;
    }

    /** A partition key on one stream: the same key on two streams is two lanes. */
    record StreamKey(String stream, String key) {}

    /**
     * What the journal's feeder asks of an entry before it hands it on.
     *
     * @param keys the partition keys of every part whose stream keeps order per key
     * @param haveRoom whether every part's stream takes its events now without a key growing past its share
     */
    record KeysNow(Set<StreamKey> keys, boolean haveRoom) {}

    /** The entry's ordered keys and whether they have room now, in one question. */
    KeysNow keysNow(List<JournalEntry.Part> parts) {
        Set<StreamKey> keys = new HashSet<>();
        boolean haveRoom = true;
        for (JournalEntry.Part part : parts) {
            StreamDispatcher dispatcher = dispatchers.get(part.stream());
            if (dispatcher == null || !dispatcher.keepsKeyOrder()) {
                continue;
            }
            for (Event event : part.events()) {
                keys.add(new StreamKey(part.stream(), dispatcher.policy().keys().keyOf(event)));
            }
            haveRoom = haveRoom && dispatcher.keysHaveRoom(part.events());
        }
        return new KeysNow(keys, haveRoom);
    }

    /**
     * Counts the events of a request the pipeline's accept refused. An event larger as sent than its sink takes
     * counts its part, and a request larger than the whole journal each part by its own stream,
     * whoever sent them; a client's request refused for now (no room, a key backed up or invalid)
     * counts all its events under the stream it was sent to, while background work that is refused
     * tries again later and is not counted.
     */
    void refused(RuntimeException refusal, String stream, List<RequestPart> parts, boolean clientRequest) {
        if (refusal instanceof EventTooLargeAsSentException tooLarge) {
            for (RequestPart part : parts) {
                if (part.indexes().contains(tooLarge.index())) {
                    rejected(part.stream(), part.events().size());
                }
            }
        } else if (refusal instanceof TooLargeForJournalException) {
            parts.forEach(part -> rejected(part.stream(), part.events().size()));
        } else if ((refusal instanceof GatewayFullException
                        || refusal instanceof InvalidPartitionKeyException
                        || refusal instanceof PartitionKeyBacklogException)
                && clientRequest) {
            int events = 0;
            for (RequestPart part : parts) {
                events += part.events().size();
            }
            rejected(stream, events);
        }
    }

    /** Counts a stream's events received: taken in memory, or on disk in the journaled mode. */
    void accepted(String stream, int events) {
        meters.get(stream).accepted(events);
    }

    /** Counts a stream's events of a request that was refused; none for a stream that is not configured. */
    void rejected(String stream, int events) {
        StreamMeters streamMeters = meters.get(stream);
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
