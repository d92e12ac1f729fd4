package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalEntry;
import io.firehosegateway.journal.JournalEntryTooLargeException;
import io.firehosegateway.journal.JournalFullException;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.PackFormat;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.StreamRoutes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    /** A journal write normally takes one fsync; past this the disk is failing. */
    static final Duration JOURNAL_WRITE_TIMEOUT = Duration.ofSeconds(10);

    /** A confirmed promise is kept by its deadline's timer; this covers the timer's own delay. */
    private static final Duration DEADLINE_SLACK = Duration.ofSeconds(1);

    /** A full journal frees space as delivery catches up: longer than a full buffer's wait. */
    private static final Duration JOURNAL_FULL_RETRY_AFTER = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final PipelineProperties properties;
    private final BufferBudget budget;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Map<String, StreamDispatcher> dispatchers = new LinkedHashMap<>();
    private final Map<String, GatewayMetrics.StreamMeters> meters = new LinkedHashMap<>();
    private final Journal journal;
    private final NanoClock nanoClock;
    private volatile boolean running;

    /**
     * @param journal the journal of the journaled mode; {@code null} in the other modes
     */
    public Pipeline(
            PipelineProperties properties, List<Sink> sinks, GatewayMetrics metrics, Clock clock, Journal journal) {
        this(properties, sinks, metrics, clock, NanoClock.SYSTEM, journal);
    }

    /**
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
        this.properties = properties;
        this.nanoClock = nanoClock;
        this.journal = journal;
        if (properties.delivery().mode() == DeliveryMode.JOURNALED && journal == null) {
            throw new IllegalArgumentException("the journaled mode needs a journal");
        }
        DeadLetterStore deadLetters = new DeadLetterStore(properties.delivery().deadLetterDirectory(), clock);
        this.budget = new BufferBudget(
                properties.buffer().maxRecords(), properties.buffer().maxBytes().toBytes());
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "pipeline-timer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        metrics.bufferGauges(budget::records, budget::bytes);
        metrics.bufferFullness(budget::fullness);
        List<String> meaningless = properties.settingsMeaninglessForTheirSink();
        if (!meaningless.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", meaningless));
        }
        Map<SinkKind, Sink> sinkByKind = byKind(sinks);
        DestinationQuotas quotas = new DestinationQuotas(properties);
        for (String stream : properties.streamNames()) {
            SinkKind kind = properties.sink(stream);
            Sink sink = sinkByKind.get(kind);
            if (sink == null) {
                throw new IllegalArgumentException("stream " + stream + " is sent to the " + kind.value()
                        + " sink, but no such sink is configured");
            }
            long packBytes = properties.stream(stream).packBytes().toBytes();
            PackFormat packFormat = properties.stream(stream).packFormat();
            StreamRoutes.Route route = new StreamRoutes.Route(
                    stream,
                    properties.destination(stream),
                    kind,
                    properties.stream(stream).partitionKey() != null,
                    packFormat,
                    (int) Math.min(packBytes, Integer.MAX_VALUE));
            SinkLimits limits = sink.limits(route);
            if (packBytes > limits.maxRecordBytes()) {
                throw new IllegalArgumentException("gateway.streams." + stream + ".pack-bytes is " + packBytes
                        + " bytes, larger than the largest record its sink takes ("
                        + limits.maxRecordBytes() + " bytes)");
            }
            GatewayMetrics.StreamMeters streamMeters =
                    metrics.stream(stream, sink.kind().value());
            meters.put(stream, streamMeters);
            dispatchers.put(
                    stream,
                    new StreamDispatcher(
                            route,
                            sink,
                            limits,
                            keys(stream),
                            ordering(stream, sink, route),
                            // The sink aggregates a kpl stream's records: the pipeline hands it single events.
                            packFormat == PackFormat.KPL ? 0 : (int) packBytes,
                            quotas.of(route, limits),
                            properties.maxInFlight(stream),
                            properties.delivery(),
                            properties.buffer(),
                            scheduler,
                            streamMeters,
                            budget,
                            deadLetters,
                            clock,
                            nanoClock));
        }
    }

    private static Map<SinkKind, Sink> byKind(List<Sink> sinks) {
        Map<SinkKind, Sink> byKind = new java.util.EnumMap<>(SinkKind.class);
        for (Sink sink : sinks) {
            Sink other = byKind.put(sink.kind(), sink);
            if (other != null) {
                throw new IllegalArgumentException(
                        "two sinks of kind " + sink.kind().value() + ": " + other + " and " + sink);
            }
        }
        return byKind;
    }

    /** The stream's own {@code ordering}, else per key where its destination orders per key by nature. */
    private Ordering ordering(String stream, Sink sink, StreamRoutes.Route route) {
        if (properties.stream(stream).ordering() != null) {
            return properties.ordering(stream);
        }
        return sink.ordersPerKeyByDefault(route) ? Ordering.PER_KEY : Ordering.NONE;
    }

    private PartitionKeys keys(String stream) {
        String pointer = properties.stream(stream).partitionKey();
        return pointer != null ? PartitionKeys.at(pointer) : PartitionKeys.EVENT_ID;
    }

    /** The quota each stream's calls are paced by: its destination's, shared by the streams sent there. */
    StreamQuota quotaOf(String stream) {
        checkStream(stream);
        return dispatchers.get(stream).quota();
    }

    /** The streams clients may send to, the default one first. */
    public Set<String> streams() {
        return dispatchers.keySet();
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
        checkStream(stream);
        return dispatchers.get(stream).limits().maxRecordBytes();
    }

    /** How the stream orders the events of one key: its setting, else what its destination does by nature. */
    Ordering ordering(String stream) {
        checkStream(stream);
        return dispatchers.get(stream).ordering();
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
        Map<String, DeliveryStatus> status = new LinkedHashMap<>();
        dispatchers.forEach((stream, dispatcher) -> status.put(stream, dispatcher.status()));
        return status;
    }

    /**
     * Checks that the stream may be sent to.
     *
     * @throws UnknownStreamException when it is neither the default stream nor configured
     */
    public void checkStream(String stream) {
        if (!dispatchers.containsKey(stream)) {
            throw new UnknownStreamException(stream);
        }
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
     * Takes a whole request's events in {@code mode} and answers with the mode's promise: the one way
     * in for clients and the generator alike, so the modes are told apart here only.
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
        checkSizesAsSent(stream, events, null);
        events = dispatchers.get(stream).keys().keyed(events);
        if (mode == DeliveryMode.JOURNALED) {
            CompletableFuture<Void> durable = journal(stream, events, onSettled).thenApply(sequence -> null);
            return new Promise(mode, durable, durable.thenApply(ignored -> null), JOURNAL_WRITE_TIMEOUT);
        }
        DeliveryTicket ticket = submit(stream, events, admission, mode);
        if (onSettled != null) {
            ticket.done().thenAccept(onSettled);
        }
        CompletableFuture<Void> taken = CompletableFuture.completedFuture(null);
        if (mode != DeliveryMode.CONFIRMED) {
            return new Promise(mode, taken, CompletableFuture.completedFuture(null), Duration.ZERO);
        }
        return confirmed(List.of(ticket), tickets -> tickets.get(0).report());
    }

    /**
     * The promise of a confirmed request: kept when every ticket is done or at the delivery timeout,
     * with {@code report} of the tickets as they are then.
     */
    private Promise confirmed(
            List<DeliveryTicket> tickets, java.util.function.Function<List<DeliveryTicket>, DeliveryReport> reportOf) {
        CompletableFuture<DeliveryReport> kept = new CompletableFuture<>();
        CompletableFuture.allOf(tickets.stream().map(DeliveryTicket::done).toArray(CompletableFuture[]::new))
                .thenRun(() -> kept.complete(reportOf.apply(tickets)));
        Duration timeout = properties.delivery().timeout();
        Runnable expiry = () -> {
            // Queued events fail for good; those in flight stay unknown until their call ends.
            tickets.forEach(DeliveryTicket::expire);
            kept.complete(reportOf.apply(tickets));
        };
        try {
            ScheduledFuture<?> deadline = scheduler.schedule(expiry, timeout.toNanos(), TimeUnit.NANOSECONDS);
            kept.whenComplete((settled, failure) -> deadline.cancel(false));
        } catch (RejectedExecutionException e) {
            // Shutting down, the timer stopped: the promise is still kept at the deadline.
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    .execute(expiry);
        }
        return new Promise(DeliveryMode.CONFIRMED, taken(), kept, timeout.plus(DEADLINE_SLACK), expiry);
    }

    private static CompletableFuture<Void> taken() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Takes a whole request whose events go to several streams, in {@code mode}, as {@link #accept}
     * takes a request for one: every part has the same promise, and in the journaled mode all parts
     * are one journal entry, so the request is durable whole or not at all.
     *
     * @param parts the request's events by stream; every index of the request in exactly one part
     * @param admission the room reserved for the request as it was read; it is resized to the parts'
     *     events, and in the journaled mode the caller closes it once {@link Promise#taken()} completed
     * @return the mode's promise; a confirmed request's report is by the events' indexes in the request
     * @throws GatewayFullException when the buffer has no room for the parts, or the journal is full
     * @throws PartitionKeyBacklogException when a part's stream keeps order per key and one of the
     *     part's keys has its share of the buffer waiting; nothing of the request was taken
     */
    public Promise accept(List<RequestPart> requestParts, Admission admission, DeliveryMode mode) {
        int records = 0;
        long bytes = 0;
        List<RequestPart> parts = new ArrayList<>(requestParts.size());
        for (RequestPart requestPart : requestParts) {
            checkStream(requestPart.stream());
            checkSizesAsSent(requestPart.stream(), requestPart.events(), requestPart.indexes());
        }
        for (RequestPart requestPart : requestParts) {
            // Each part is keyed by its own stream's partition-key: a routed wrapper by the target's.
            RequestPart part = new RequestPart(
                    requestPart.stream(),
                    dispatchers.get(requestPart.stream()).keys().keyed(requestPart.events()),
                    requestPart.indexes());
            parts.add(part);
            records += part.events().size();
            for (Event event : part.events()) {
                bytes += event.size();
            }
        }
        if (mode == DeliveryMode.JOURNALED) {
            CompletableFuture<Void> durable = journal(parts).thenApply(sequence -> null);
            return new Promise(mode, durable, durable.thenApply(ignored -> null), JOURNAL_WRITE_TIMEOUT);
        }
        if (admission.records() != records) {
            throw new IllegalArgumentException(
                    "admission holds " + admission.records() + " events, the request has " + records);
        }
        admission.resize(bytes);
        long deadline = mode == DeliveryMode.CONFIRMED
                ? nanoClock.nanoTime() + properties.delivery().timeout().toNanos()
                : Deadlines.NO_CLIENT_WAITS;
        List<DeliveryTicket> tickets = new ArrayList<>(parts.size());
        List<StreamDispatcher.Offer> offers = new ArrayList<>(parts.size());
        for (RequestPart part : parts) {
            DeliveryTicket ticket =
                    new DeliveryTicket(part.stream(), part.events().size());
            tickets.add(ticket);
            offers.add(new StreamDispatcher.Offer(dispatchers.get(part.stream()), part.events(), ticket, deadline));
        }
        // Offered first, as in deliver(): refused whole when a part's key is backed up, and the
        // admission then still gives the room back.
        StreamDispatcher.offer(offers, true);
        admission.markSubmitted();
        for (RequestPart part : parts) {
            meters.get(part.stream()).accepted(part.events().size());
        }
        if (mode != DeliveryMode.CONFIRMED) {
            return new Promise(mode, taken(), CompletableFuture.completedFuture(null), Duration.ZERO);
        }
        return confirmed(tickets, settled -> report(parts, settled));
    }

    /**
     * Refuses a request whole when one of its events, as its stream's sink sends it, is larger than
     * the sink takes: the API measured the events as received, and a sink may write them larger.
     *
     * @param indexes the events' indexes in the request; null when they are the request's own
     */
    private void checkSizesAsSent(String stream, List<Event> events, List<Integer> indexes) {
        StreamDispatcher dispatcher = dispatchers.get(stream);
        int max = dispatcher.limits().maxRecordBytes();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            int size = dispatcher.bytesAsSent(event.framed());
            if (size > max) {
                rejected(stream, events.size());
                throw new EventTooLargeAsSentException(indexes == null ? i : indexes.get(i), event.id(), size, max);
            }
        }
    }

    /** The tickets' reports as one, by the events' indexes in the request. */
    private static DeliveryReport report(List<RequestPart> parts, List<DeliveryTicket> tickets) {
        List<Integer> delivered = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        FailureReason reason = null;
        for (int p = 0; p < parts.size(); p++) {
            List<Integer> indexes = parts.get(p).indexes();
            DeliveryReport part = tickets.get(p).report();
            part.delivered().forEach(i -> delivered.add(indexes.get(i)));
            part.failed().forEach(i -> failed.add(indexes.get(i)));
            part.unknown().forEach(i -> unknown.add(indexes.get(i)));
            if (reason == null) {
                reason = part.failureReason();
            }
        }
        Collections.sort(delivered);
        Collections.sort(failed);
        Collections.sort(unknown);
        return new DeliveryReport(delivered, failed, unknown, reason);
    }

    /**
     * Hands a whole request to its stream; from here on its events are delivered or accounted for.
     *
     * @param admission the room reserved for exactly these events
     * @param mode {@link DeliveryMode#CONFIRMED} gives the events the delivery timeout as deadline
     */
    public DeliveryTicket submit(String stream, List<Event> events, Admission admission, DeliveryMode mode) {
        DeliveryTicket ticket = deliver(stream, events, admission, mode);
        meters.get(stream).accepted(events.size());
        return ticket;
    }

    /**
     * Whether the stream takes these events now without a partition key growing past its share of
     * the buffer: always, unless the stream keeps order per key and one of their keys is backed up.
     */
    boolean keysHaveRoom(String stream, List<Event> events) {
        StreamDispatcher dispatcher = dispatchers.get(stream);
        return dispatcher == null || dispatcher.keysHaveRoom(events);
    }

    /** The partition keys of the events, as their stream finds them; none on a stream without order. */
    Set<String> orderedKeysOf(String stream, List<Event> events) {
        StreamDispatcher dispatcher = dispatchers.get(stream);
        return dispatcher == null || dispatcher.ordering() != Ordering.PER_KEY ? Set.of() : dispatcher.keysOf(events);
    }

    /** The most bytes the journal's feeder sets aside behind backed-up keys: the background share. */
    long maxParkedBytes() {
        return BufferBudget.limitOf(properties.buffer().maxBytes().toBytes(), BACKGROUND_CEILING);
    }

    /** Hands events to their stream without counting them as received: the journal's replay. */
    DeliveryTicket deliver(String stream, List<Event> events, Admission admission, DeliveryMode mode) {
        StreamDispatcher dispatcher = dispatchers.get(stream);
        if (dispatcher == null) {
            throw new UnknownStreamException(stream);
        }
        if (admission.records() != events.size()) {
            throw new IllegalArgumentException(
                    "admission holds " + admission.records() + " events, the request has " + events.size());
        }
        long deadline = mode == DeliveryMode.CONFIRMED
                ? nanoClock.nanoTime() + properties.delivery().timeout().toNanos()
                : Deadlines.NO_CLIENT_WAITS;
        DeliveryTicket ticket = new DeliveryTicket(stream, events.size());
        // Offered first: a per-key stream may refuse a backed-up key, and the admission then still
        // gives the room back. Nothing settles the events before they are marked submitted here,
        // on this thread, before the caller closes the admission.
        dispatcher.offer(events, ticket, deadline, mode != DeliveryMode.JOURNALED);
        admission.markSubmitted();
        return ticket;
    }

    /**
     * Writes a whole request to the journal; its events are delivered from there, in the background
     * and after restarts. The admission's room is the caller's to give back once the future completes.
     *
     * @param onDelivered called, in this process only, when the events were delivered or given up on
     * @return completes when the events are on disk; fails if they could not be written
     * @throws GatewayFullException when the journal is full
     * @throws TooLargeForJournalException when the request is larger than the whole journal may hold
     */
    public CompletableFuture<Long> journal(String stream, List<Event> events, Consumer<DeliveryTicket> onDelivered) {
        if (journal == null) {
            throw new IllegalStateException("the journal is used in the journaled mode only");
        }
        checkStream(stream);
        CompletableFuture<Long> durable;
        try {
            durable = journal.append(stream, events, onDelivered);
        } catch (JournalFullException e) {
            throw new GatewayFullException(GatewayFullException.Full.JOURNAL, JOURNAL_FULL_RETRY_AFTER);
        } catch (JournalEntryTooLargeException e) {
            rejected(stream, events.size());
            throw new TooLargeForJournalException(e.entryBytes(), e.maxBytes());
        }
        return durable.thenApply(sequence -> {
            meters.get(stream).accepted(events.size());
            return sequence;
        });
    }

    /** Writes a whole request for several streams to the journal as one entry; see {@link #journal(String, List, Consumer)}. */
    private CompletableFuture<Long> journal(List<RequestPart> parts) {
        if (journal == null) {
            throw new IllegalStateException("the journal is used in the journaled mode only");
        }
        List<JournalEntry.Part> entry = new ArrayList<>(parts.size());
        for (RequestPart part : parts) {
            entry.add(new JournalEntry.Part(part.stream(), part.events()));
        }
        CompletableFuture<Long> durable;
        try {
            durable = journal.appendParts(entry, null);
        } catch (JournalFullException e) {
            throw new GatewayFullException(GatewayFullException.Full.JOURNAL, JOURNAL_FULL_RETRY_AFTER);
        } catch (JournalEntryTooLargeException e) {
            parts.forEach(part -> rejected(part.stream(), part.events().size()));
            throw new TooLargeForJournalException(e.entryBytes(), e.maxBytes());
        }
        return durable.thenApply(sequence -> {
            parts.forEach(
                    part -> meters.get(part.stream()).accepted(part.events().size()));
            return sequence;
        });
    }

    /**
     * Hands a journal entry's parts to their streams without counting them as received: the
     * journal's replay. The admission holds room for every event of the entry.
     */
    List<DeliveryTicket> deliver(List<JournalEntry.Part> parts, Admission admission) {
        int records = 0;
        for (JournalEntry.Part part : parts) {
            checkStream(part.stream());
            records += part.events().size();
        }
        if (admission.records() != records) {
            throw new IllegalArgumentException(
                    "admission holds " + admission.records() + " events, the entry has " + records);
        }
        List<DeliveryTicket> tickets = new ArrayList<>(parts.size());
        List<StreamDispatcher.Offer> offers = new ArrayList<>(parts.size());
        for (JournalEntry.Part part : parts) {
            DeliveryTicket ticket =
                    new DeliveryTicket(part.stream(), part.events().size());
            tickets.add(ticket);
            offers.add(new StreamDispatcher.Offer(
                    dispatchers.get(part.stream()), part.events(), ticket, Deadlines.NO_CLIENT_WAITS));
        }
        // Marked submitted only once taken: should taking the entry throw, its room is given back.
        StreamDispatcher.offer(offers, false);
        admission.markSubmitted();
        return tickets;
    }

    /** Counts events of a request that was refused. */
    public void rejected(String stream, int events) {
        GatewayMetrics.StreamMeters streamMeters = meters.get(stream);
        if (streamMeters != null && events > 0) {
            streamMeters.rejected(events);
        }
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
        long deadline = System.nanoTime() + drain.toNanos();
        try {
            for (Map.Entry<String, StreamDispatcher> entry : dispatchers.entrySet()) {
                long left = entry.getValue().drain(Math.max(0, deadline - System.nanoTime()));
                if (left > 0 && properties.delivery().mode() == DeliveryMode.JOURNALED) {
                    log.info("Stream {}: {} events stay in the journal for the next start", entry.getKey(), left);
                } else if (left > 0) {
                    log.warn(
                            "Stream {}: {} events were not delivered within the drain timeout of {} and are lost",
                            entry.getKey(),
                            left,
                            properties.delivery().drainTimeout());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdownNow();
        }
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
