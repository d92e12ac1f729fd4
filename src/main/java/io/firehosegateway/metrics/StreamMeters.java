package io.firehosegateway.metrics;

import static io.firehosegateway.metrics.GatewayMetrics.BATCH_BYTES;
import static io.firehosegateway.metrics.GatewayMetrics.BATCH_RECORDS;
import static io.firehosegateway.metrics.GatewayMetrics.EVENTS_DELIVERED;
import static io.firehosegateway.metrics.GatewayMetrics.EVENTS_RECEIVED;
import static io.firehosegateway.metrics.GatewayMetrics.RECORDS_BILLED_BYTES;
import static io.firehosegateway.metrics.GatewayMetrics.RECORDS_BYTES;
import static io.firehosegateway.metrics.GatewayMetrics.RECORDS_DELIVERED;
import static io.firehosegateway.metrics.GatewayMetrics.RECORDS_FAILED;
import static io.firehosegateway.metrics.GatewayMetrics.RECORDS_POSSIBLE_DUPLICATES;
import static io.firehosegateway.metrics.GatewayMetrics.RECORDS_RETRIED;
import static io.firehosegateway.metrics.GatewayMetrics.SINK_BILLED_UNITS;
import static io.firehosegateway.metrics.GatewayMetrics.SINK_BILLED_UNITS_PER_1000_EVENTS;
import static io.firehosegateway.metrics.GatewayMetrics.SINK_CONCURRENCY_LIMIT;
import static io.firehosegateway.metrics.GatewayMetrics.SINK_PAUSED;
import static io.firehosegateway.metrics.GatewayMetrics.SINK_REQUESTS;
import static io.firehosegateway.metrics.GatewayMetrics.SINK_USER_RECORDS_PER_RECORD;
import static io.firehosegateway.metrics.GatewayMetrics.TAG_OUTCOME;
import static io.firehosegateway.metrics.GatewayMetrics.TAG_REASON;
import static io.firehosegateway.metrics.GatewayMetrics.TAG_SINK;
import static io.firehosegateway.metrics.GatewayMetrics.TAG_STREAM;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The meters of one stream sent to one kind of sink, made once by {@link GatewayMetrics#stream} and
 * kept by the stream's dispatcher, so the hot path never builds a meter id.
 */
public final class StreamMeters {

    private final MeterRegistry registry;
    private final String stream;
    private final String sink;
    private final Counter accepted;
    private final Counter rejected;
    private final Counter eventsDelivered;
    private final Counter delivered;
    private final Counter retried;
    private final Counter possibleDuplicates;
    private final Counter bytes;
    private final Counter billedBytes;
    private final Counter billedUnits;
    private final Timer success;
    private final Timer partial;
    private final Timer error;
    private final DistributionSummary batchRecords;
    private final DistributionSummary batchBytes;
    private final DistributionSummary userRecordsPerRecord;
    private final Map<String, Counter> failed = new ConcurrentHashMap<>();

    StreamMeters(MeterRegistry registry, String stream, String sink) {
        this.registry = registry;
        this.stream = stream;
        this.sink = sink;
        this.accepted = received("accepted");
        this.rejected = received("rejected");
        this.eventsDelivered = counter(EVENTS_DELIVERED, "Events whose record the sink accepted");
        this.delivered = counter(RECORDS_DELIVERED, "Records the destination accepted");
        this.retried = counter(RECORDS_RETRIED, "Records sent again after a failure");
        this.possibleDuplicates =
                counter(RECORDS_POSSIBLE_DUPLICATES, "Records sent again after a call whose outcome was unknown");
        this.bytes = Counter.builder(RECORDS_BYTES)
                .description("Bytes of the records the destination accepted")
                .baseUnit("bytes")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .register(registry);
        this.billedBytes = Counter.builder(RECORDS_BILLED_BYTES)
                .description("Bytes the sink's service bills for the accepted records (Firehose: each"
                        + " rounded up to 5 KiB)")
                .baseUnit("bytes")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .register(registry);
        this.billedUnits = Counter.builder(SINK_BILLED_UNITS)
                .description("Units the sink's service bills for the accepted records (Firehose: 5 KiB per"
                        + " record, rounded up; SQS: one request per 64 KiB chunk of each answered call)")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .register(registry);
        this.success = requests("success");
        this.partial = requests("partial");
        this.error = requests("error");
        this.batchRecords = DistributionSummary.builder(BATCH_RECORDS)
                .description("Records in one call to the destination")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(500.0)
                .register(registry);
        this.batchBytes = DistributionSummary.builder(BATCH_BYTES)
                .description("Bytes of records in one call to the destination, before base64")
                .baseUnit("bytes")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .publishPercentileHistogram()
                .minimumExpectedValue(100.0)
                .maximumExpectedValue(4.0 * 1024 * 1024)
                .register(registry);
        this.userRecordsPerRecord = DistributionSummary.builder(SINK_USER_RECORDS_PER_RECORD)
                .description("Events in each record the destination took from a sink that packs them"
                        + " itself (Kinesis pack-format: kpl: user records per aggregate)")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .register(registry);
        Counter units = billedUnits;
        Counter events = eventsDelivered;
        io.micrometer.core.instrument.Gauge.builder(
                        SINK_BILLED_UNITS_PER_1000_EVENTS,
                        () -> events.count() == 0 ? 0 : units.count() * 1000 / events.count())
                .description("Units the sink's service billed (gateway.sink.billed-units) per 1,000 events"
                        + " delivered, since the start")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .register(registry);
    }

    private Counter received(String outcome) {
        return Counter.builder(EVENTS_RECEIVED)
                .description("Events received over HTTP or from the generator, by whether they were admitted")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .tag(TAG_OUTCOME, outcome)
                .register(registry);
    }

    private Timer requests(String outcome) {
        return Timer.builder(SINK_REQUESTS)
                .description("Calls to the sink (for Firehose, PutRecordBatch): success, partial failure, or error")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .tag(TAG_OUTCOME, outcome)
                .publishPercentileHistogram()
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name)
                .description(description)
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .register(registry);
    }

    /** Publishes the calls the stream may have in flight now, lowered while throttled. */
    public void concurrencyLimit(Supplier<Number> limit) {
        io.micrometer.core.instrument.Gauge.builder(SINK_CONCURRENCY_LIMIT, limit)
                .description("Calls the stream may have in flight now; halved when the sink throttles")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .register(registry);
    }

    /**
     * Publishes 1 while a configuration fault holds the stream's delivery (paused, or trying again
     * after a pause and failing the same way), else 0.
     */
    public void paused(Supplier<Number> paused) {
        io.micrometer.core.instrument.Gauge.builder(SINK_PAUSED, paused)
                .description("1 while a configuration fault (missing stream, access denied, KMS) holds the"
                        + " stream's delivery, else 0")
                .tag(TAG_STREAM, stream)
                .tag(TAG_SINK, sink)
                .register(registry);
    }

    public void accepted(int events) {
        accepted.increment(events);
    }

    public void rejected(int events) {
        rejected.increment(events);
    }

    /** Counts accepted records, their events and bytes, and what the sink's service bills for them. */
    public void delivered(int records, int events, long recordBytes, long billedBytes, long billedUnits) {
        delivered.increment(records);
        eventsDelivered.increment(events);
        bytes.increment(recordBytes);
        this.billedBytes.increment(billedBytes);
        this.billedUnits.increment(billedUnits);
    }

    /** Counts what the sink's service bills for a whole call, for a service that bills per call (SQS). */
    public void billedPerCall(long units) {
        if (units > 0) {
            billedUnits.increment(units);
        }
    }

    /** Records the events in each record a sink that packs them itself sent, as its answer gave them. */
    public void userRecordsPerRecord(java.util.List<Integer> counts) {
        for (int count : counts) {
            userRecordsPerRecord.record(count);
        }
    }

    public void retried(int records) {
        retried.increment(records);
    }

    public void possibleDuplicates(int records) {
        possibleDuplicates.increment(records);
    }

    /** Counts records given up on, by a low-cardinality reason such as {@code deadline}. */
    public void failed(String reason, int records) {
        failed.computeIfAbsent(
                        reason,
                        r -> Counter.builder(RECORDS_FAILED)
                                .description("Records given up on, by reason")
                                .tag(TAG_STREAM, stream)
                                .tag(TAG_SINK, sink)
                                .tag(TAG_REASON, r)
                                .register(registry))
                .increment(records);
    }

    public void request(long nanos, int records, int failedRecords, boolean error) {
        Timer timer = error ? this.error : failedRecords > 0 ? partial : success;
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void batch(int records, long bytes) {
        batchRecords.record(records);
        batchBytes.record(bytes);
    }
}
