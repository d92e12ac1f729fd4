package io.firehosegateway.support;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
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
 * {@code gateway.sink=recording}, which keeps the real sinks out.
 */
public final class RecordingSink implements Sink {

    private final List<String> records = new CopyOnWriteArrayList<>();

    @Override
    public SinkKind kind() {
        return SinkKind.FIREHOSE;
    }

    @Override
    public SinkLimits limits() {
        return FirehoseLimits.LIMITS;
    }

    @Override
    public CompletableFuture<BatchResult> putRecords(String stream, List<byte[]> batch) {
        for (byte[] record : batch) {
            records.add(new String(record, StandardCharsets.UTF_8));
        }
        return CompletableFuture.completedFuture(BatchResult.allAccepted(batch.size()));
    }

    /** Every record delivered so far, in order. */
    public List<String> records() {
        return List.copyOf(records);
    }

    /** Provides the recording sink as the gateway's sink. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Configuration {

        @Bean
        RecordingSink recordingSink() {
            return new RecordingSink();
        }
    }
}
