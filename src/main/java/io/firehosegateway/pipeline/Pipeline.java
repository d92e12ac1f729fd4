package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalEntry;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.Sink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.springframework.context.SmartLifecycle;

/**
 * The way in for events: admits requests within the buffer bound and hands them to their stream's
 * dispatcher. On shutdown it stops after the web server, so requests in flight are answered, and
 * delivers what it holds within the drain timeout.
 */
public final class Pipeline implements SmartLifecycle {

    /** Stops after the web server's graceful shutdown, which runs in the phases above this. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    /** Background work (the generator) may fill the buffer only this far, leaving the rest to clients. */
    public static final double BACKGROUND_CEILING = 0.5;

    private final PipelineProperties properties;
    private final PipelineStreams streams;
    private final BufferBudget budget;
    private final JournaledDelivery journaled;
    private final Promises promises;
    private final NanoClock nanoClock;
    private volatile boolean running;

    /**
     * A pipeline with its streams assembled here, as the application's start assembles them: for
     * tests and tools that make a pipeline of their own.
     *
     * @param journal the journal of the journaled mode; {@code null} in the other modes
     */
    public Pipeline(
            PipelineProperties properties, List<Sink> sinks, GatewayMetrics metrics, Clock clock, Journal journal) {
        this(properties, sinks, metrics, clock, NanoClock.SYSTEM, journal);
    }

    /**
     * A pipeline with its streams assembled here; see {@link #Pipeline(PipelineProperties, List,
     * GatewayMetrics, Clock, Journal)}.
     *
     * @param nanoClock what deadlines, pauses and throttling intervals are measured on
     * @param journal the journal of the journaled mode; {@code null} in the other modes
     */
    public Pipeline(
            PipelineProperties properties,
            List<Sink> sinks,
            GatewayMetrics metrics,
            Clock clock,
            NanoClock nanoClock,
            Journal journal) {
        this(
                properties,
                PipelineAssembly.assemble(checkJournal(properties, journal != null), sinks, metrics, clock, nanoClock),
                nanoClock,
                journal == null ? null : new JournaledDelivery(journal));
    }

    /**
     * @param streams the streams, as {@link PipelineAssembly} made them
     * @param nanoClock what deadlines are measured on
     * @param journaled the journal's use in the journaled mode; {@code null} in the other modes
     */
    Pipeline(PipelineProperties properties, PipelineStreams streams, NanoClock nanoClock, JournaledDelivery journaled) {
        this.properties = checkJournal(properties, journaled != null);
        this.streams = streams;
        this.budget = streams.budget();
        this.nanoClock = nanoClock;
        this.journaled = journaled;
        this.promises = new Promises(streams.timer(), properties.delivery().timeout());
    }

    /** The journaled mode is refused without a journal, before anything is made for it. */
    private static PipelineProperties checkJournal(PipelineProperties properties, boolean hasJournal) {
        if (properties.delivery().mode() == DeliveryMode.JOURNALED && !hasJournal) {
            throw new IllegalArgumentException("the journaled mode needs a journal");
        }
        return properties;
    }

    /** The quota each stream's calls are paced by: its destination's, shared by the streams sent there. */
    StreamQuota quotaOf(String stream) {
        return streams.dispatcher(stream).policy().quota();
    }

    /** The streams clients may send to, the default one first. */
    public Set<String> streams() {
        return streams.names();
    }

    /** The stream {@code POST /events} sends to. */
    public String defaultStream() {
        return properties.defaultStream();
    }

    /**
     * The largest event the stream takes, framed: the largest record of its sink.
     *
     * @throws UnknownStreamException when the stream is not configured
     */
    public int maxEventBytes(String stream) {
        return streams.dispatcher(stream).destination().limits().maxRecordBytes();
    }

    /** How the stream orders the events of one key: its setting, else what its destination does by nature. */
    Ordering ordering(String stream) {
        return streams.dispatcher(stream).policy().ordering();
    }

    /** The mode requests are answered in. */
    public DeliveryMode mode() {
        return properties.delivery().mode();
    }

    /** How long a confirmed request waits for its events. */
    public Duration deliveryTimeout() {
        return properties.delivery().timeout();
    }

    /** The buffer bound shared by every stream. */
    public BufferBudget budget() {
        return budget;
    }

    /** Each stream's recent calls, for the health endpoint. */
    public Map<String, DeliveryStatus> status() {
        return streams.status();
    }

    /**
     * Checks that the stream may be sent to.
     *
     * @throws UnknownStreamException when it is neither the default stream nor configured
     */
    public void checkStream(String stream) {
        streams.dispatcher(stream);
    }

    /** Opens an admission without a request's limits, which may fill the whole buffer. */
    public Admission admit() {
        return new Admission(budget, 1.0, properties.buffer().retryAfter());
    }

    private static double requestShare(PipelineProperties.Buffer buffer, String key) {
        return key == null ? buffer.requestShare() : Math.min(buffer.requestShare(), buffer.keyShare());
    }

    /** The most events one chunk of background work can ever be admitted with: half the buffer. */
    public int maxBackgroundChunk() {
        return (int) Math.min(
                Integer.MAX_VALUE, BufferBudget.limitOf(properties.buffer().maxRecords(), BACKGROUND_CEILING));
    }

    /**
     * Opens the admission of a client request: within the buffer, within one request's share of it,
     * and with the other bodies being read for the same API key within the key's share.
     *
     * @param key the API key's name, or {@code null} for a gateway without keys, whose callers are
     *     one client (the request's share still applies)
     */
    public Admission admitRequest(String key) {
        PipelineProperties.Buffer buffer = properties.buffer();
        return new Admission(
                budget,
                1.0,
                buffer.retryAfter(),
                new Admission.Limits(
                        // A request larger than its key's share could never be taken either: 413, not 429.
                        BufferBudget.limitOf(buffer.maxRecords(), requestShare(buffer, key)),
                        BufferBudget.limitOf(buffer.maxBytes().toBytes(), requestShare(buffer, key)),
                        key,
                        buffer.keyShare()));
    }

    /** Opens the admission of background work, which leaves room for client requests. */
    public Admission admitBackground() {
        return new Admission(budget, BACKGROUND_CEILING, properties.buffer().retryAfter());
    }

    /**
     * Opens the admission of background work of {@code count} events and {@code size} bytes: within
     * the background share, unless the work alone is larger than that share (a journaled request
     * admitted whole), which may then use the whole buffer rather than wait forever.
     */
    public Admission admitBackground(int count, long size) {
        return budget.fits(count, size, BACKGROUND_CEILING) ? admitBackground() : admit();
    }

    /**
     * Takes a whole request's events in {@code mode} and answers with the mode's promise: a request
     * for one stream is taken as a request of one part, see {@link #accept(List, Admission,
     * DeliveryMode)}.
     *
     * @param admission the room reserved for exactly these events; in the journaled mode the caller
     *     closes it once {@link Promise#taken()} completed, since the journal holds the events then
     * @param onSettled called once every event was delivered or given up on (in the journaled mode,
     *     in this process only); may be {@code null}
     * @throws GatewayFullException when the journal is full
     */
    public Promise accept(
            String stream,
            List<Event> events,
            Admission admission,
            DeliveryMode mode,
            Consumer<DeliveryTicket> onSettled) {
        checkStream(stream);
        return acceptWhole(
                stream,
                List.of(RequestPart.whole(stream, events)),
                admission,
                mode,
                onSettled == null ? null : tickets -> onSettled.accept(tickets.get(0)));
    }

    /**
     * Takes a whole request, whose events may go to several streams, in {@code mode}: the one way in
     * for clients and the generator alike, so the modes are told apart here only. Every part has the
     * same promise, and in the journaled mode all parts are one journal entry, so the request is
     * durable whole or not at all.
     *
     * @param parts the request's events by stream; every index of the request in exactly one part
     * @param admission the room reserved for the request as it was read; it is resized to the parts'
     *     events, and in the journaled mode the caller closes it once {@link Promise#taken()} completed
     * @return the mode's promise; a confirmed request's report is by the events' indexes in the request
     * @throws GatewayFullException when the buffer has no room for the parts, or the journal is full
     * @throws PartitionKeyBacklogException when a part's stream keeps order per key and one of the
     *     part's keys has its share of the buffer waiting; nothing of the request was taken
     */
    public Promise accept(List<RequestPart> parts, Admission admission, DeliveryMode mode) {
        return accept(parts.get(0).stream(), parts, admission, mode);
    }

    /**
     * Takes a whole request sent to {@code stream}, whose events may go to several streams; see
     * {@link #accept(List, Admission, DeliveryMode)}. Should a client's request be refused, all its
     * events are counted refused under {@code stream}, whichever streams its parts go to.
     */
    public Promise accept(String stream, List<RequestPart> parts, Admission admission, DeliveryMode mode) {
        return acceptWhole(stream, parts, admission, mode, null);
    }

    /** The one accept: what it refuses is counted here, once. */
    private Promise acceptWhole(
            String stream,
            List<RequestPart> requestParts,
            Admission admission,
            DeliveryMode mode,
            Consumer<List<DeliveryTicket>> onSettled) {
        try {
            return handOn(requestParts, admission, mode, onSettled);
        } catch (RuntimeException e) {
            streams.refused(e, stream, requestParts, admission.ofClientRequest());
            throw e;
        }
    }

    private Promise handOn(
            List<RequestPart> requestParts,
            Admission admission,
            DeliveryMode mode,
            Consumer<List<DeliveryTicket>> onSettled) {
        List<RequestPart> parts = streams.keyed(requestParts);
        long bytes = 0;
        for (RequestPart part : parts) {
            for (Event event : part.events()) {
                bytes += event.size();
            }
        }
        if (mode == DeliveryMode.JOURNALED) {
            return Promises.journaled(journal(parts, onSettled));
        }
        admission.checkHolds(
                parts.stream().mapToInt(part -> part.events().size()).sum(), "the request");
        admission.resize(bytes);
        long deadline = mode == DeliveryMode.CONFIRMED
                ? nanoClock.nanoTime() + properties.delivery().timeout().toNanos()
                : Deadlines.NO_CLIENT_WAITS;
        // Refused whole when a part's key is backed up, and the admission then still gives the room back.
        List<DeliveryTicket> tickets = streams.take(parts, deadline, admission, true);
        for (RequestPart part : parts) {
            streams.accepted(part.stream(), part.events().size());
        }
        if (onSettled != null) {
            Promises.allDone(tickets).thenRun(() -> onSettled.accept(tickets));
        }
        return mode == DeliveryMode.CONFIRMED ? promises.confirmed(parts, tickets) : Promises.taken(mode);
    }

    /**
     * Writes a whole request to the journal as one entry; its events are delivered from there, in the
     * background and after restarts, and counted as received once on disk.
     */
    private CompletableFuture<Long> journal(List<RequestPart> parts, Consumer<List<DeliveryTicket>> onSettled) {
        if (journaled == null) {
            throw new IllegalStateException("the journal is used in the journaled mode only");
        }
        return journaled.append(parts, onSettled).thenApply(sequence -> {
            parts.forEach(part -> streams.accepted(part.stream(), part.events().size()));
            return sequence;
        });
    }

    /**
     * Hands a whole request to its stream; from here on its events are delivered or accounted for.
     *
     * @param admission the room reserved for exactly these events
     * @param mode {@link DeliveryMode#CONFIRMED} gives the events the delivery timeout as deadline
     */
    public DeliveryTicket submit(String stream, List<Event> events, Admission admission, DeliveryMode mode) {
        checkStream(stream);
        admission.checkHolds(events.size(), "the request");
        long deadline = mode == DeliveryMode.CONFIRMED
                ? nanoClock.nanoTime() + properties.delivery().timeout().toNanos()
                : Deadlines.NO_CLIENT_WAITS;
        DeliveryTicket ticket = streams.take(
                        List.of(RequestPart.whole(stream, events)), deadline, admission, mode != DeliveryMode.JOURNALED)
                .get(0);
        streams.accepted(stream, events.size());
        return ticket;
    }

    /**
     * Hands a journal entry's parts to their streams without counting them as received: the
     * journal's replay. The admission holds room for every event of the entry.
     *
     * @return each part's ticket, in the parts' order
     */
    List<DeliveryTicket> deliver(List<JournalEntry.Part> parts, Admission admission) {
        int records = 0;
        for (JournalEntry.Part part : parts) {
            checkStream(part.stream());
            records += part.events().size();
        }
        admission.checkHolds(records, "the entry");
        return streams.take(parts, admission);
    }

    /** The streams by name, which the journal's feeder asks of its entries' keys. */
    PipelineStreams byName() {
        return streams;
    }

    /** The most bytes the journal's feeder sets aside behind backed-up keys: the background share. */
    long maxParkedBytes() {
        return BufferBudget.limitOf(properties.buffer().maxBytes().toBytes(), BACKGROUND_CEILING);
    }

    /** Counts events of a request that was refused. */
    public void rejected(String stream, int events) {
        streams.rejected(stream, events);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        // Journaled events wait safely on disk for the next start: only calls in flight need finishing.
        Duration drain = properties.delivery().mode() == DeliveryMode.JOURNALED
                ? Duration.ofSeconds(
                        Math.min(5, properties.delivery().drainTimeout().toSeconds()))
                : properties.delivery().drainTimeout();
        streams.drain(
                drain,
                properties.delivery().mode() == DeliveryMode.JOURNALED,
                properties.delivery().drainTimeout());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
