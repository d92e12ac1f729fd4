package io.firehosegateway.idempotency;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.firehose.FirehoseClientConfiguration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * Counts each event id it takes; holds the records whose id starts with {@code slow} until the
 * test lets them go, and fails those whose id starts with {@code flaky} while {@link #failing}.
 */
final class CountingSink implements Sink {

    private static final JsonMapper json = JsonMapper.builder().build();

    final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
    final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public SinkKind kind() {
        return SinkKind.FIREHOSE;
    }

    @Override
    public SinkLimits limits() {
        return new SinkLimits(10, 64 * 1024, SinkLimits.Encoding.RAW, 0, 0, 8 * 1024, 10, 0);
    }

    @Override
    public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> batch) {
        CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
        for (SinkRecord record : batch) {
            String id = json.readTree(record.data()).path("id").asString();
            if (id.startsWith("flaky") && failing.get()) {
                return CompletableFuture.failedFuture(
                        new SinkException(FailureKind.RETRYABLE, "Test", "failing on purpose", null));
            }
            if (id.startsWith("slow")) {
                gate = held.computeIfAbsent(id, slow -> new CompletableFuture<>());
            }
        }
        return gate.thenApply(ignored -> {
            for (SinkRecord record : batch) {
                String id = json.readTree(record.data()).path("id").asString();
                delivered.computeIfAbsent(id, counted -> new AtomicInteger()).incrementAndGet();
            }
            return BatchResult.allAccepted(batch.size());
        });
    }

    /** Puts a counting sink in place of the Firehose sink of a test's gateway. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Counting {

        @Bean(FirehoseClientConfiguration.SINK_BEAN)
        CountingSink countingSink() {
            return new CountingSink();
        }
    }
}
