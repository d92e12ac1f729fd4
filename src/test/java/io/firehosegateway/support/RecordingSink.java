package io.firehosegateway.support;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.firehose.FirehoseClientConfiguration;
import io.firehosegateway.sink.firehose.FirehoseLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A sink that accepts every record at once and remembers each as text, so a test can tell exactly
 * what was delivered. A test uses it by importing {@link Configuration} and setting
 * {@code gateway.sink=firehose}, which keeps the real sinks out.
 */
public final class RecordingSink implements Sink {

    private final List<String> records = new CopyOnWriteArrayList<>();
    private final List<SinkRecord> sent = new CopyOnWriteArrayList<>();
    private final List<StreamRoutes.Route> routes = new CopyOnWriteArrayList<>();
    private final SinkKind kind;

    /** A recording sink standing in for Firehose. */
    public RecordingSink() {
        this(SinkKind.FIREHOSE);
    }

    /** A recording sink standing in for {@code kind}, with Firehose's limits. */
    public RecordingSink(SinkKind kind) {
        this.kind = kind;
    }

    @Override
    public SinkKind kind() {
        return kind;
    }

    @Override
    public SinkLimits limits() {
        return FirehoseLimits.LIMITS;
    }

    @Override
    public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> sinkRecords) {
        for (SinkRecord record : sinkRecords) {
            records.add(new String(record.data(), StandardCharsets.UTF_8));
            sent.add(record);
            routes.add(route);
        }
        return CompletableFuture.completedFuture(BatchResult.allAccepted(sinkRecords.size()));
    }

    /** Every record delivered so far, with its key and id, in order. */
    public List<SinkRecord> sent() {
        return List.copyOf(sent);
    }

    /** The route of each record delivered so far, in order. */
    public List<StreamRoutes.Route> routes() {
        return List.copyOf(routes);
    }

    /** Every record delivered so far, in order. */
    public List<String> records() {
        return List.copyOf(records);
    }

    /** Provides the recording sink as the gateway's sink. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Configuration {

        @Bean(FirehoseClientConfiguration.SINK_BEAN)
        RecordingSink recordingSink() {
            return new RecordingSink();
        }
    }
}
