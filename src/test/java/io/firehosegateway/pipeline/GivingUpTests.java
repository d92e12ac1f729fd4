package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.PipelineTestSupport.events;
import static io.firehosegateway.pipeline.PipelineTestSupport.pipeline;
import static io.firehosegateway.pipeline.PipelineTestSupport.properties;
import static io.firehosegateway.pipeline.PipelineTestSupport.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GivingUpTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null && pipeline.isRunning()) {
            pipeline.stop();
        }
    }

    @Test
    void anEventThatMayHaveLandedIsReportedUnknownWhenItsNextBackoffWouldPassTheDeadline() throws Exception {
        AtomicLong now = new AtomicLong();
        ScriptedSink sink = new ScriptedSink((call, records) -> {
            // The answer is cut off after the delivery timeout, as far as the pipeline can tell.
            now.addAndGet(TIMEOUT.plusSeconds(1).toNanos());
            return CompletableFuture.<BatchResult>failedFuture(
                    new SinkException(FailureKind.UNKNOWN_OUTCOME, "Reset", "scripted reset", null));
        });
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry, now::get);

        DeliveryTicket ticket = submit(pipeline, events("u", 3), DeliveryMode.CONFIRMED);

        DeliveryReport report = ticket.done().get(5, TimeUnit.SECONDS).report();
        assertThat(sink.calls()).hasSize(1);
        assertThat(report.unknown()).containsExactly(0, 1, 2);
        assertThat(report.failed()).isEmpty();
    }
}
