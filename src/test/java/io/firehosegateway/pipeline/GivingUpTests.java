package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.PipelineTestSupport.events;
import static io.firehosegateway.pipeline.PipelineTestSupport.pipeline;
import static io.firehosegateway.pipeline.PipelineTestSupport.properties;
import static io.firehosegateway.pipeline.PipelineTestSupport.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.event.Event;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GivingUpTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A sink whose calls carry 2,000 bytes at most, as an SQS queue carries less than a Kinesis record. */
    private static final SinkLimits SMALL = new SinkLimits(10, 2_000, SinkLimits.Encoding.RAW, 0, 0, 1_000, 10, 0);

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

    /** An event of about {@code bytes} bytes, keyed {@code k} as the ordering tests key them. */
    private static Event sized(String id, String key, int bytes) {
        String json = "{\"id\":\"" + id + "\",\"k\":\"" + key + "\",\"pad\":\"" + "x".repeat(bytes) + "\"}\n";
        return new Event(id, json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> deadLetters() throws Exception {
        Path letters = Path.of(
                System.getProperty("java.io.tmpdir"),
                "gateway-dead-letter-tests",
                "events",
                LocalDate.now(ZoneOffset.UTC) + ".ndjson");
        return Files.exists(letters) ? Files.readAllLines(letters) : List.of();
    }

    private double failed(String reason) {
        return registry.get("gateway.records.failed")
                .tag("reason", reason)
                .counter()
                .count();
    }

    @Test
    void anEventLargerThanAnyCallIsDeadLetteredAndTheOthersAreDelivered() throws Exception {
        String big = "big-" + System.nanoTime();
        ScriptedSink sink = new ScriptedSink(
                SMALL, (call, records) -> CompletableFuture.completedFuture(BatchResult.allAccepted(records.size())));
        pipeline = pipeline(properties(DeliveryMode.BUFFERED, TIMEOUT, 0), sink, registry);
        List<Event> events = new ArrayList<>(events("small", 2));
        events.add(1, sized(big, "k", 3_000));

        DeliveryTicket ticket = submit(pipeline, events, DeliveryMode.BUFFERED);

        DeliveryReport report = ticket.done().get(5, TimeUnit.SECONDS).report();
        assertThat(report.delivered()).containsExactly(0, 2);
        assertThat(report.failed()).containsExactly(1);
        assertThat(report.failureReason()).isEqualTo(FailureReason.TOO_LARGE);
        assertThat(sink.sentRecords()).noneMatch(record -> record.contains(big));
        assertThat(failed("too-large")).isEqualTo(1);
        assertThat(deadLetters())
                .anySatisfy(line ->
                        assertThat(line).contains("\"reason\":\"too-large\"").contains(big));
        assertThat(pipeline.budget().records()).isZero();
    }

    @Test
    void anEventLargerThanAnyCallDoesNotHoldUpTheLaterEventsOfItsKey() throws Exception {
        String big = "big-" + System.nanoTime();
        ScriptedSink sink = new ScriptedSink(
                SinkKind.KINESIS,
                SMALL,
                (call, records) -> CompletableFuture.completedFuture(BatchResult.allAccepted(records.size())));
        pipeline = pipeline(
                OrderingTestSupport.properties(DeliveryMode.BUFFERED, Ordering.PER_KEY, 0, 1_000, 1.0), sink, registry);
        List<Event> events = new ArrayList<>(OrderingTestSupport.keyed("k", 1, 2));
        events.add(0, sized(big, "k", 3_000));

        DeliveryTicket ticket = OrderingTestSupport.submit(pipeline, events, DeliveryMode.BUFFERED);

        DeliveryReport report = ticket.done().get(5, TimeUnit.SECONDS).report();
        assertThat(report.failed()).containsExactly(0);
        assertThat(report.delivered()).containsExactly(1, 2);
        assertThat(failed("too-large")).isEqualTo(1);
        assertThat(deadLetters()).anySatisfy(line -> assertThat(line).contains(big));
    }
}
