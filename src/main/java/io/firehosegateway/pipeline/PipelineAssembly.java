package io.firehosegateway.pipeline;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.metrics.StreamMeters;
import io.firehosegateway.sink.PackFormat;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.StreamRoutes;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Makes a pipeline's streams at the start, in steps that each fail the start with the setting at
 * fault: the settings checked against their sinks; then for each stream its sink found, its
 * destination described by that sink (for Kinesis a blocking {@code DescribeStreamSummary}, since a
 * stream's largest record is the stream's own), its {@code pack-bytes} checked against the largest
 * record, and its dispatcher made.
 */
final class PipelineAssembly {

    private final PipelineProperties properties;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final NanoClock nanoClock;

    private PipelineAssembly(PipelineProperties properties, GatewayMetrics metrics, Clock clock, NanoClock nanoClock) {
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.nanoClock = nanoClock;
    }

    /**
     * The streams of {@code properties}, each sent by its sink among {@code sinks}.
     *
     * @throws IllegalArgumentException when a setting cannot be met: it names the setting
     */
    static PipelineStreams assemble(
            PipelineProperties properties, List<Sink> sinks, GatewayMetrics metrics, Clock clock, NanoClock nanoClock) {
        return new PipelineAssembly(properties, metrics, clock, nanoClock).assemble(sinks);
    }

    private PipelineStreams assemble(List<Sink> sinks) {
        DeadLetterStore deadLetters = new DeadLetterStore(properties.delivery().deadLetterDirectory(), clock);
        BufferBudget budget = new BufferBudget(
                properties.buffer().maxRecords(), properties.buffer().maxBytes().toBytes());
        ScheduledThreadPoolExecutor timer = timer();
        metrics.bufferGauges(budget::records, budget::bytes);
        metrics.bufferFullness(budget::fullness);
        checkSettingsMeanSomething();
        Map<SinkKind, Sink> sinkByKind = byKind(sinks);
        DestinationQuotas quotas = new DestinationQuotas(properties);
        DispatchShared shared = new DispatchShared(
                properties.delivery(), properties.buffer(), timer, budget, deadLetters, clock, nanoClock);
        Map<String, StreamDispatcher> dispatchers = new LinkedHashMap<>();
        Map<String, StreamMeters> meters = new LinkedHashMap<>();
        for (String stream : properties.streamNames()) {
            StreamDestination destination = describe(stream, sinkOf(stream, sinkByKind));
            int packBytes = checkedPackBytes(stream, destination.limits());
            StreamPolicy policy = new StreamPolicy(
                    keys(stream),
                    ordering(destination),
                    // The sink aggregates a kpl stream's records: the pipeline hands it single events.
                    destination.route().packFormat() == PackFormat.KPL ? 0 : packBytes,
                    quotas.of(destination.route(), destination.limits()),
                    properties.maxInFlight(stream));
            StreamMeters streamMeters =
                    metrics.stream(stream, destination.sink().kind().value());
            meters.put(stream, streamMeters);
            dispatchers.put(stream, new StreamDispatcher(destination, policy, shared, streamMeters));
        }
        return new PipelineStreams(
                budget, timer, Collections.unmodifiableMap(dispatchers), Collections.unmodifiableMap(meters));
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "pipeline-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** A setting made for another sink than its stream's would be silently ignored: refused instead. */
    private void checkSettingsMeanSomething() {
        List<String> meaningless = properties.settingsMeaninglessForTheirSink();
        if (!meaningless.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", meaningless));
        }
    }

    private static Map<SinkKind, Sink> byKind(List<Sink> sinks) {
        Map<SinkKind, Sink> byKind = new EnumMap<>(SinkKind.class);
        for (Sink sink : sinks) {
            Sink other = byKind.put(sink.kind(), sink);
            if (other != null) {
                throw new IllegalArgumentException(
                        "two sinks of kind " + sink.kind().value() + ": " + other + " and " + sink);
            }
        }
        return byKind;
    }

    private Sink sinkOf(String stream, Map<SinkKind, Sink> sinkByKind) {
        SinkKind kind = properties.sink(stream);
        Sink sink = sinkByKind.get(kind);
        if (sink == null) {
            throw new IllegalArgumentException(
                    "stream " + stream + " is sent to the " + kind.value() + " sink, but no such sink is configured");
        }
        return sink;
    }

    /**
     * The stream's destination as its sink describes it. This step may block: the Kinesis sink asks
     * {@code DescribeStreamSummary} for the stream's largest record and billing mode, waiting a
     * bounded time before it takes the defaults.
     */
    private StreamDestination describe(String stream, Sink sink) {
        long packBytes = properties.stream(stream).packBytes().toBytes();
        StreamRoutes.Route route = new StreamRoutes.Route(
                stream,
                properties.destination(stream),
                properties.sink(stream),
                properties.stream(stream).partitionKey() != null,
                properties.stream(stream).packFormat(),
                (int) Math.min(packBytes, Integer.MAX_VALUE));
        return new StreamDestination(route, sink, sink.limits(route));
    }

    /** The stream's {@code pack-bytes}, which no record of its sink may be larger than. */
    private int checkedPackBytes(String stream, SinkLimits limits) {
        long packBytes = properties.stream(stream).packBytes().toBytes();
        if (packBytes > limits.maxRecordBytes()) {
            throw new IllegalArgumentException("gateway.streams." + stream + ".pack-bytes is " + packBytes
                    + " bytes, larger than the largest record its sink takes ("
                    + limits.maxRecordBytes() + " bytes)");
        }
        return (int) packBytes;
    }

    /** The stream's own {@code ordering}, else per key where its destination orders per key by nature. */
    private Ordering ordering(StreamDestination destination) {
        if (properties.stream(destination.stream()).ordering() != null) {
            return properties.ordering(destination.stream());
        }
        return destination.sink().ordersPerKeyByDefault(destination.route()) ? Ordering.PER_KEY : Ordering.NONE;
    }

    private PartitionKeys keys(String stream) {
        String pointer = properties.stream(stream).partitionKey();
        return pointer != null ? PartitionKeys.at(pointer) : PartitionKeys.EVENT_ID;
    }
}
