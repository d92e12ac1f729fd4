package io.firehosegateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The gateway's meters. Every meter of one name always carries the same tag keys; per-stream meters
 * are looked up once and cached, since the hot path must not build meter ids per event.
 */
public final class GatewayMetrics {

    public static final String EVENTS_RECEIVED = "gateway.events.received";
    public static final String EVENTS_DELIVERED = "gateway.events.delivered";
    public static final String RECORDS_DELIVERED = "gateway.records.delivered";
    public static final String RECORDS_RETRIED = "gateway.records.retried";
    public static final String RECORDS_FAILED = "gateway.records.failed";
    public static final String RECORDS_POSSIBLE_DUPLICATES = "gateway.records.possible-duplicates";
    public static final String RECORDS_BILLED_BYTES = "gateway.records.billed-bytes";
    public static final String RECORDS_BYTES = "gateway.records.bytes";
    public static final String SINK_REQUESTS = "gateway.sink.requests";
    public static final String SINK_BILLED_UNITS = "gateway.sink.billed-units";
    public static final String SINK_BILLED_UNITS_PER_1000_EVENTS = "gateway.sink.billed-units-per-1000-events";
    public static final String SINK_USER_RECORDS_PER_RECORD = "gateway.sink.user-records-per-record";
    public static final String BATCH_RECORDS = "gateway.batch.records";
    public static final String BATCH_BYTES = "gateway.batch.bytes";
    public static final String SINK_CONCURRENCY_LIMIT = "gateway.sink.concurrency-limit";
    public static final String BUFFER_RECORDS = "gateway.buffer.records";
    public static final String BUFFER_BYTES = "gateway.buffer.bytes";
    public static final String BUFFER_FULLNESS = "gateway.buffer.fullness";
    public static final String SINK_PAUSED = "gateway.sink.paused";

    public static final String JOURNAL_BYTES = "gateway.journal.bytes";
    public static final String JOURNAL_ENTRIES = "gateway.journal.entries";
    public static final String JOURNAL_FULLNESS = "gateway.journal.fullness";
    public static final String JOURNAL_OLDEST_AGE = "gateway.journal.oldest-age";
    public static final String JOURNAL_DAMAGED_SEGMENTS = "gateway.journal.damaged-segments";
    public static final String JOURNAL_LOST_ENTRIES = "gateway.journal.lost-entries";
    public static final String JOURNAL_UNRECORDED_DELIVERIES = "gateway.journal.unrecorded-deliveries";

    public static final String SECURITY_REQUESTS = "gateway.security.requests";
    public static final String BEACON_REQUESTS = "gateway.beacon.requests";

    /** Events that did not satisfy their stream's schema, rejected or routed. */
    public static final String EVENTS_INVALID = "gateway.events.invalid";
    /** The {@code schema-by} value whose schema an invalid event failed. */
    public static final String TAG_SCHEMA = "schema";
    /** The {@code schema} tag of a stream with one schema. */
    public static final String SCHEMA_NONE = "none";
    /** The {@code schema} tag of an event whose {@code schema-by} value has no schema: clients' values never become tags. */
    public static final String SCHEMA_UNKNOWN = "unknown";

    /** Requests with an {@code Idempotency-Key}, by what the key's claim found. */
    public static final String IDEMPOTENCY_REQUESTS = "gateway.idempotency.requests";
    /** Calls to the idempotency store and their latency. */
    public static final String IDEMPOTENCY_STORE = "gateway.idempotency.store";
    /** Answers the idempotency store keeps, expired ones not yet dropped included. */
    public static final String IDEMPOTENCY_KEYS = "gateway.idempotency.keys";
    /** Events answered as accepted and not sent, their id taken by their stream within its window. */
    public static final String EVENTS_DUPLICATES = "gateway.events.duplicates";
    /** What a call to a store did: {@code claim} or {@code keep}. */
    public static final String TAG_OPERATION = "operation";

    public static final String TAG_STREAM = "stream";
    /** The kind of sink a stream is sent to: {@code firehose}, {@code kinesis}, {@code sqs}, {@code local}. */
    public static final String TAG_SINK = "sink";

    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_REASON = "reason";
    /** An API key's name, never its value. */
    public static final String TAG_KEY = "key";

    public static final String OUTCOME_ALLOWED = "allowed";
    public static final String OUTCOME_UNAUTHORIZED = "unauthorized";
    public static final String OUTCOME_FORBIDDEN = "forbidden";
    public static final String OUTCOME_RATE_LIMITED = "rate-limited";
    public static final String OUTCOME_ACCEPTED = "accepted";
    public static final String OUTCOME_REFUSED = "refused";

    private final MeterRegistry registry;
    private final Map<String, StreamMeters> streams = new ConcurrentHashMap<>();
    private final Map<String, Counter> securityRequests = new ConcurrentHashMap<>();
    private final Map<String, Counter> beaconRequests = new ConcurrentHashMap<>();
    private final Map<String, Counter> invalidEvents = new ConcurrentHashMap<>();
    private final Map<String, Counter> idempotencyRequests = new ConcurrentHashMap<>();
    private final Map<String, Counter> duplicateEvents = new ConcurrentHashMap<>();
    /** What function counters read: a function counter holds it only weakly. */
    private final List<Object> counted = new CopyOnWriteArrayList<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of one stream sent to a kind of sink, registered on first use. */
    public StreamMeters stream(String stream, String sink) {
        return streams.computeIfAbsent(stream + '\n' + sink, key -> new StreamMeters(registry, stream, sink));
    }

    /**
     * Counts one invalid event of a stream, by the {@code schema-by} value of the schema it failed
     * ({@link #SCHEMA_NONE} for a stream with one schema, {@link #SCHEMA_UNKNOWN} when no schema matched).
     */
    public void invalidEvent(String stream, String schema) {
        invalidEvents
                .computeIfAbsent(
                        stream + '\n' + schema,
                        id -> Counter.builder(EVENTS_INVALID)
                                .description("Events that did not satisfy their stream's schema, rejected or routed")
                                .tag(TAG_STREAM, stream)
                                .tag(TAG_SCHEMA, schema)
                                .register(registry))
                .increment();
    }

    /**
     * Counts a request to the API by the key it was authenticated with and what became of it: one of
     * the {@code OUTCOME_} constants.
     *
     * @param key the key's name, {@code none} when the request had no valid key, {@code open} when
     *     the gateway has no keys
     */
    public void securityRequest(String key, String outcome) {
        securityRequests
                .computeIfAbsent(
                        key + '\n' + outcome,
                        id -> Counter.builder(SECURITY_REQUESTS)
                                .description(
                                        "Requests by API key name and whether they were allowed, unauthorized (401),"
                                                + " forbidden (403) or rate-limited (429)")
                                .tag(TAG_KEY, key)
                                .tag(TAG_OUTCOME, outcome)
                                .register(registry))
                .increment();
    }

    /**
     * Counts a request whose answer its client cannot read, a {@code text/plain} beacon's or a
     * pixel's: {@link #OUTCOME_ACCEPTED} or {@link #OUTCOME_REFUSED}, and the problem type that
     * refused it ({@code none} when accepted).
     *
     * @param key the key's name, as for {@link #securityRequest}
     */
    public void beaconRequest(String key, String outcome, String reason) {
        beaconRequests
                .computeIfAbsent(
                        key + '\n' + outcome + '\n' + reason,
                        id -> Counter.builder(BEACON_REQUESTS)
                                .description("Beacon (text/plain) and pixel requests by API key name, whether they"
                                        + " were accepted or refused, and the problem type that refused them")
                                .tag(TAG_KEY, key)
                                .tag(TAG_OUTCOME, outcome)
                                .tag(TAG_REASON, reason)
                                .register(registry))
                .increment();
    }

    /**
     * Counts a request with an {@code Idempotency-Key} by what its claim found: {@code first} (it
     * ran), {@code replayed}, {@code in-use} (409), {@code reused} (422) or {@code refused} (503: the
     * store full or failing).
     *
     * @param key the API key's name, as {@link #securityRequest} tags it
     */
    public void idempotencyRequest(String stream, String key, String outcome) {
        idempotencyRequests
                .computeIfAbsent(
                        stream + '\n' + key + '\n' + outcome,
                        id -> Counter.builder(IDEMPOTENCY_REQUESTS)
                                .description("Requests with an Idempotency-Key by stream, API key name and what"
                                        + " the key's claim found")
                                .tag(TAG_STREAM, stream)
                                .tag(TAG_KEY, key)
                                .tag(TAG_OUTCOME, outcome)
                                .register(registry))
                .increment();
    }

    /**
     * Counts events a deduplicating stream answered as accepted without sending them again.
     *
     * @param key the API key's name, as {@link #securityRequest} tags it
     */
    public void duplicateEvents(String stream, String key, int events) {
        duplicateEvents
                .computeIfAbsent(
                        stream + '\n' + key,
                        id -> Counter.builder(EVENTS_DUPLICATES)
                                .description("Events answered as accepted and not sent again: their stream took"
                                        + " their id within its deduplicate-window")
                                .tag(TAG_STREAM, stream)
                                .tag(TAG_KEY, key)
                                .register(registry))
                .increment(events);
    }

    /** The timer of one operation of the idempotency store ({@code claim}, {@code keep}). */
    public Timer idempotencyStore(String operation) {
        return Timer.builder(IDEMPOTENCY_STORE)
                .description("Calls to the idempotency store and their latency")
                .tag(TAG_OPERATION, operation)
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Publishes how many answers the idempotency store keeps, read from {@code keys} at each scrape. */
    public void idempotencyKeys(Supplier<Number> keys) {
        io.micrometer.core.instrument.Gauge.builder(IDEMPOTENCY_KEYS, keys)
                .description("Answers the idempotency store keeps, expired ones not yet dropped included")
                .register(registry);
    }

    /** Publishes the buffer's occupancy, read from {@code records} and {@code bytes} at each scrape. */
    public void bufferGauges(Supplier<Number> records, Supplier<Number> bytes) {
        io.micrometer.core.instrument.Gauge.builder(BUFFER_RECORDS, records)
                .description("Events admitted and not yet delivered or given up, in memory")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(BUFFER_BYTES, bytes)
                .description("Bytes of the events counted by gateway.buffer.records, and of bodies being read")
                .baseUnit("bytes")
                .register(registry);
    }

    /** Publishes how full the buffer is, 0 to 1: the fuller of its events and its bytes. */
    public void bufferFullness(Supplier<Number> fullness) {
        io.micrometer.core.instrument.Gauge.builder(BUFFER_FULLNESS, fullness)
                .description("How full the buffer is, 0 to 1: the fuller of gateway.buffer.records and"
                        + " gateway.buffer.bytes against their limits")
                .register(registry);
    }

    /**
     * Publishes the journal's size, how full it is (0 to 1, against its maximum size), its
     * undelivered entries and the age of the oldest of them.
     */
    public void journalGauges(
            Supplier<Number> bytes,
            Supplier<Number> fullness,
            Supplier<Number> entries,
            Supplier<Number> oldestAgeSeconds) {
        io.micrometer.core.instrument.Gauge.builder(JOURNAL_BYTES, bytes)
                .description("Bytes the journal holds on disk")
                .baseUnit("bytes")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(JOURNAL_FULLNESS, fullness)
                .description("How full the journal is, 0 to 1: gateway.journal.bytes against gateway.journal.max-size")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(JOURNAL_ENTRIES, entries)
                .description("Journal entries (requests) written and not yet delivered")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(JOURNAL_OLDEST_AGE, oldestAgeSeconds)
                .description("Age of the oldest undelivered journal entry; 0 when none is")
                .baseUnit("seconds")
                .register(registry);
    }

    /**
     * Publishes what the journal found damaged when it opened (segments, and acknowledged entries
     * missing from them) and the deliveries it could not yet record on disk.
     */
    public void journalDamage(
            Supplier<Number> damagedSegments, Supplier<Number> lostEntries, Supplier<Number> unrecordedDeliveries) {
        counted.add(damagedSegments);
        counted.add(lostEntries);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        JOURNAL_DAMAGED_SEGMENTS, damagedSegments, s -> s.get().doubleValue())
                .description("Journal segments found damaged at start: kept whole, their intact entries delivered")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        JOURNAL_LOST_ENTRIES, lostEntries, s -> s.get().doubleValue())
                .description("Journal entries found missing from damaged segments at start: acknowledged and lost")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(JOURNAL_UNRECORDED_DELIVERIES, unrecordedDeliveries)
                .description("Deliveries the journal holds in memory but could not yet record on disk (a full disk)")
                .register(registry);
    }
}
