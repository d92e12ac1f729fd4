package io.firehosegateway.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.DeliveryReport;
import io.firehosegateway.pipeline.DeliveryTicket;
import io.firehosegateway.pipeline.FailureReason;
import io.firehosegateway.pipeline.NanoClock;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.PipelineProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * What every kind of sink must do behind the pipeline, and what the meters must say of it: each
 * event delivered once; a partial failure resends only the failed entries; an invalid event is
 * isolated; a configuration fault pauses the stream and keeps its events. A kind of sink passes
 * by extending this class with a {@link SinkUnderTest}; a fault the kind cannot have (a local disk
 * has no partial answers) is skipped with the reason.
 */
public abstract class SinkContractTests {

    /** A sink of one kind, with what a test needs to see what landed and to cause faults. */
    protected interface SinkUnderTest extends AutoCloseable {

        Sink sink();

        /** A destination that exists and takes records. */
        String destination();

        /** Every event that landed at {@link #destination()}, one line each, resends included. */
        List<String> landed() throws Exception;

        /** Fails, in the next call only, the entries {@code failing} picks; false when the kind cannot. */
        default boolean failEntriesOfNextCall(Predicate<String> failing) {
            return false;
        }

        /** Refuses as invalid every call holding an event {@code invalid} picks; false when the kind cannot. */
        default boolean refuseCallsHolding(Predicate<String> invalid) {
            return false;
        }

        /** A destination the sink refuses for its configuration (no such stream); null when the kind cannot have one. */
        default String misconfiguredDestination() {
            return null;
        }
    }

    @TempDir
    protected Path temp;

    private SinkUnderTest under;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Pipeline> pipelines = new ArrayList<>();

    /** Starts the sink; called before each test. */
    protected abstract SinkUnderTest start() throws Exception;

    @BeforeEach
    void startSink() throws Exception {
        under = start();
    }

    @AfterEach
    void stop() throws Exception {
        pipelines.forEach(Pipeline::stop);
        if (under != null) {
            under.close();
        }
    }

    @Test
    void eachEventIsDeliveredOnceAndCountedOnce() throws Exception {
        List<Event> events = events("once", 60);

        DeliveryReport report = submit(pipeline(under.destination()), events, DeliveryMode.CONFIRMED)
                .await(TimeUnit.SECONDS.toNanos(20));

        assertThat(report.complete()).isTrue();
        assertLandedOnce(events);
        assertThat(count("gateway.records.delivered")).isEqualTo(60);
        assertThat(count("gateway.events.delivered")).isEqualTo(60);
        assertThat(count("gateway.records.retried")).isZero();
        assertThat(registry.find("gateway.sink.requests")
                        .tags("stream", "contract", "sink", kind(), "outcome", "success")
                        .timer())
                .isNotNull();
    }

    @Test
    void aPartialFailureResendsOnlyTheFailedEntries() throws Exception {
        Assumptions.assumeTrue(
                under.failEntriesOfNextCall(line -> line.contains("\"n\":1") || line.contains("\"n\":7")),
                "this kind of sink never answers with failed entries");
        List<Event> events = events("partial", 10);

        DeliveryReport report = submit(pipeline(under.destination()), events, DeliveryMode.CONFIRMED)
                .await(TimeUnit.SECONDS.toNanos(20));

        assertThat(report.complete()).isTrue();
        assertLandedOnce(events);
        assertThat(count("gateway.records.retried")).isEqualTo(2);
        assertThat(count("gateway.records.delivered")).isEqualTo(10);
        assertThat(count("gateway.records.possible-duplicates")).isZero();
    }

    @Test
    void anInvalidEventIsIsolatedAndTheRestDelivered() throws Exception {
        Assumptions.assumeTrue(
                under.refuseCallsHolding(line -> line.contains("\"n\":3")),
                "this kind of sink never refuses a call as invalid");
        List<Event> events = events("invalid", 8);

        DeliveryReport report = submit(pipeline(under.destination()), events, DeliveryMode.CONFIRMED)
                .await(TimeUnit.SECONDS.toNanos(20));

        assertThat(report.failed()).containsExactly(3);
        assertThat(report.failureReason()).isEqualTo(FailureReason.INVALID);
        assertThat(report.delivered()).hasSize(7);
        List<Event> valid = new ArrayList<>(events);
        valid.remove(3);
        assertLandedOnce(valid);
        assertThat(under.landed()).noneMatch(line -> line.contains("\"n\":3,"));
        assertThat(count("gateway.records.failed")).isEqualTo(1);
        assertThat(registry.find("gateway.records.failed")
                        .tags("sink", kind(), "reason", "invalid")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aConfigurationFaultPausesTheStreamAndKeepsItsEvents() throws Exception {
        String missing = under.misconfiguredDestination();
        Assumptions.assumeTrue(missing != null, "this kind of sink cannot be misconfigured");
        Pipeline pipeline = pipeline(missing);

        DeliveryTicket ticket = submit(pipeline, events("paused", 5), DeliveryMode.BUFFERED);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> pipeline.status().get("contract").pausedUntil() != null);
        assertThat(pipeline.status().get("contract").misconfigured()).isTrue();
        assertThat(ticket.done()).isNotDone();
        assertThat(count("gateway.records.failed")).isZero();
        assertThat(count("gateway.records.delivered")).isZero();
    }

    private String kind() {
        return under.sink().kind().value();
    }

    private void assertLandedOnce(List<Event> events) throws Exception {
        List<String> expected = new ArrayList<>();
        for (Event event : events) {
            String framed = new String(event.framed(), StandardCharsets.UTF_8);
            expected.add(framed.substring(0, framed.length() - 1));
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(under.landed()).containsAll(expected));
        List<String> landed = under.landed();
        for (String line : expected) {
            assertThat(Collections.frequency(landed, line)).as(line).isEqualTo(1);
        }
    }

    private double count(String name) {
        return registry.find(name).tags("stream", "contract", "sink", kind()).counters().stream()
                .mapToDouble(counter -> counter.count())
                .sum();
    }

    /** A pipeline with one stream, {@code contract}, sent to {@code destination}; no packing. */
    private Pipeline pipeline(String destination) {
        PipelineProperties properties = new PipelineProperties(
                under.sink().kind(),
                "contract",
                Map.of(
                        "contract",
                        new PipelineProperties.StreamProperties(
                                null,
                                destination,
                                null,
                                null,
                                DataSize.ofBytes(0),
                                new PipelineProperties.Quota(0, 0, DataSize.ofBytes(0)),
                                PipelineProperties.Metadata.OFF)),
                new PipelineProperties.Buffer(100_000, DataSize.ofMegabytes(64), Duration.ofSeconds(1), 1.0, 1.0),
                new PipelineProperties.Delivery(
                        DeliveryMode.CONFIRMED,
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(5),
                        temp.resolve("dead-letter"),
                        Duration.ofMillis(20),
                        false,
                        true,
                        true,
                        4,
                        Duration.ofMillis(5),
                        Duration.ofMillis(100)),
                1);
        Pipeline pipeline = new Pipeline(
                properties,
                List.of(under.sink()),
                new GatewayMetrics(registry),
                Clock.systemUTC(),
                NanoClock.SYSTEM,
                null);
        pipeline.start();
        pipelines.add(pipeline);
        return pipeline;
    }

    private static List<Event> events(String prefix, int count) {
        String run = prefix + "-" + UUID.randomUUID();
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = run + "-" + i;
            events.add(new Event(
                    id, ("{\"id\":\"" + id + "\",\"n\":" + i + ",\"pad\":\"x\"}\n").getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    private static DeliveryTicket submit(Pipeline pipeline, List<Event> events, DeliveryMode mode) {
        try (Admission admission = pipeline.admit()) {
            for (Event event : events) {
                admission.reserve(event);
            }
            return pipeline.submit("contract", events, admission, mode);
        }
    }
}
