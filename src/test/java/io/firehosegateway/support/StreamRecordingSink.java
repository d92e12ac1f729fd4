package io.firehosegateway.support;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.firehose.FirehoseClientConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A sink standing in for Firehose that accepts every record at once and keeps each with the
 * destination it was sent to, for tests of routing between streams (schemas' {@code route:}, the
 * metadata envelope). Its largest record is small ({@link #LIMITS}), so a wrapper of a large event
 * is over it. A test uses it by importing {@link Configuration} and setting {@code gateway.sink=firehose}.
 */
public final class StreamRecordingSink implements Sink {

    /** 4,000 bytes a record: small enough that a wrapper of a large event is over it. */
    public static final SinkLimits LIMITS =
            new SinkLimits(500, 4 * 1024 * 1024, SinkLimits.Encoding.RAW, 0, 0, 4000, 500, 0);

    private static final JsonMapper json = JsonMapper.builder().build();

    private final List<Delivered> records = new CopyOnWriteArrayList<>();

    /** One record as it was sent. */
    public record Delivered(String destination, String data) {}

    @Override
    public SinkKind kind() {
        return SinkKind.FIREHOSE;
    }

    @Override
    public SinkLimits limits() {
        return LIMITS;
    }

    @Override
    public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> batch) {
        for (SinkRecord record : batch) {
            records.add(new Delivered(route.destination(), new String(record.data(), StandardCharsets.UTF_8)));
        }
        return CompletableFuture.completedFuture(BatchResult.allAccepted(batch.size()));
    }

    /** Every record sent so far, in order. */
    public List<Delivered> records() {
        return List.copyOf(records);
    }

    /** The records sent to {@code destination} so far, each read as JSON, in order. */
    public List<JsonNode> of(String destination) {
        List<JsonNode> of = new ArrayList<>();
        for (Delivered record : records) {
            if (record.destination().equals(destination)) {
                of.add(json.readTree(record.data()));
            }
        }
        return of;
    }

    /** Forgets what was sent so far. */
    public void clear() {
        records.clear();
    }

    /** Provides this sink as the gateway's Firehose sink. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Configuration {

        @Bean(FirehoseClientConfiguration.SINK_BEAN)
        StreamRecordingSink streamRecordingSink() {
            return new StreamRecordingSink();
        }
    }
}
