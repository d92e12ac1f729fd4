package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.PipelineTestSupport.events;
import static io.firehosegateway.pipeline.PipelineTestSupport.pipeline;
import static io.firehosegateway.pipeline.PipelineTestSupport.properties;
import static io.firehosegateway.pipeline.PipelineTestSupport.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.event.Event;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineDeliveryTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null && pipeline.isRunning()) {
            pipeline.stop();
        }
    }

    private static CompletableFuture<BatchResult> accept(List<String> records) {
        return CompletableFuture.completedFuture(BatchResult.allAccepted(records.size()));
    }

    private static CompletableFuture<BatchResult> fail(FailureKind kind) {
        return CompletableFuture.failedFuture(new SinkException(kind, kind.name(), "scripted", null));
    }

    private double counter(String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void retriesOnlyTheRecordsThatFailed() throws Exception {
        ScriptedSink sink = new ScriptedSink((call, records) -> {
            if (call > 0) {
                return accept(records);
            }
            List<RecordOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                outcomes.add(
                        i % 2 == 1
                                ? new RecordOutcome(FailureKind.RETRYABLE, "ServiceUnavailableException", "Slow down.")
                                : RecordOutcome.ACCEPTED);
            }
            return CompletableFuture.completedFuture(new BatchResult(outcomes));
        });
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry);

        DeliveryReport report =
                submit(pipeline, events("e", 6), DeliveryMode.CONFIRMED).await(TIMEOUT.toNanos());

        assertThat(report.complete()).isTrue();
        assertThat(report.delivered()).containsExactly(0, 1, 2, 3, 4, 5);
        List<String> sent = sink.sentRecords();
        assertThat(Collections.frequency(sent, "{\"id\":\"e-0\"}\n")).isEqualTo(1);
        assertThat(Collections.frequency(sent, "{\"id\":\"e-1\"}\n")).isEqualTo(2);
        assertThat(sent).hasSize(9);
        assertThat(counter("gateway.records.retried")).isEqualTo(3);
        assertThat(counter("gateway.records.delivered")).isEqualTo(6);
    }

    @Test
    void wholeCallFailureResendsTheBatchOnceItIsRetryable() throws Exception {
        ScriptedSink sink =
                new ScriptedSink((call, records) -> call == 0 ? fail(FailureKind.RETRYABLE) : accept(records));
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry);

        DeliveryReport report =
                submit(pipeline, events("e", 3), DeliveryMode.CONFIRMED).await(TIMEOUT.toNanos());

        assertThat(report.complete()).isTrue();
        assertThat(sink.calls()).hasSize(2);
        assertThat(sink.calls().get(1).records()).isEqualTo(sink.calls().get(0).records());
        assertThat(counter("gateway.records.possible-duplicates")).isZero();
    }

    @Test
    void unknownOutcomeIsResentAndCountedAsPossibleDuplicate() throws Exception {
        ScriptedSink sink =
                new ScriptedSink((call, records) -> call == 0 ? fail(FailureKind.UNKNOWN_OUTCOME) : accept(records));
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry);

        DeliveryReport report =
                submit(pipeline, events("e", 4), DeliveryMode.CONFIRMED).await(TIMEOUT.toNanos());

        assertThat(report.complete()).isTrue();
        assertThat(counter("gateway.records.possible-duplicates")).isEqualTo(4);
    }

    @Test
    void theDeadlineIsMeasuredOnThePipelinesClockNotOnTheMachines() throws Exception {
        AtomicLong now = new AtomicLong();
        ScriptedSink sink = new ScriptedSink((call, records) -> {
            // The call takes longer than the delivery timeout, as far as the pipeline can tell.
            now.addAndGet(TIMEOUT.plusSeconds(1).toNanos());
            return fail(FailureKind.RETRYABLE);
        });
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry, now::get);

        DeliveryTicket ticket = submit(pipeline, events("e", 3), DeliveryMode.CONFIRMED);

        // Settled by the pipeline's clock long before the 10 s timeout passes on the machine's.
        assertThat(ticket.done().get(5, TimeUnit.SECONDS).report().failed()).containsExactly(0, 1, 2);
        assertThat(ticket.report().failureReason()).isEqualTo(FailureReason.DEADLINE);
        assertThat(sink.calls()).hasSize(1);
    }

    @Test
    void eventsPastTheirDeadlineAreReportedFailedAndNeverSentAfterwards() throws Exception {
        ScriptedSink sink = new ScriptedSink((call, records) -> fail(FailureKind.RETRYABLE));
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, Duration.ofMillis(300), 0), sink, registry);

        DeliveryTicket ticket = submit(pipeline, events("e", 5), DeliveryMode.CONFIRMED);
        DeliveryReport report = ticket.await(Duration.ofMillis(300).toNanos());
        await().atMost(Duration.ofSeconds(5)).until(() -> ticket.done().isDone());
        int callsWhenSettled = sink.calls().size();

        assertThat(report.delivered()).isEmpty();
        assertThat(report.failed().size() + report.unknown().size()).isEqualTo(5);
        assertThat(ticket.report().failed()).containsExactly(0, 1, 2, 3, 4);
        assertThat(counter("gateway.records.failed")).isEqualTo(5);
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> sink.calls().size() == callsWhenSettled);
    }

    @Test
    void configurationFaultFailsConfirmedRequestsAtOnce() throws Exception {
        ScriptedSink sink = new ScriptedSink((call, records) -> fail(FailureKind.CONFIGURATION));
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry);

        DeliveryTicket ticket = submit(pipeline, events("e", 3), DeliveryMode.CONFIRMED);

        // Settled by the fault itself, long before the 10 s deadline could have.
        ticket.done().get(5, TimeUnit.SECONDS);
        DeliveryReport report = ticket.report();
        assertThat(report.failed()).containsExactly(0, 1, 2);
        assertThat(report.failureReason()).isEqualTo(FailureReason.CONFIGURATION);
        assertThat(sink.calls()).hasSize(1);
        assertThat(pipeline.status().get("events").misconfigured()).isTrue();
    }

    @Test
    void bufferedModeWaitsOutAConfigurationFaultAndDeliversAfterwards() throws Exception {
        ScriptedSink sink =
                new ScriptedSink((call, records) -> call < 2 ? fail(FailureKind.CONFIGURATION) : accept(records));
        pipeline = pipeline(properties(DeliveryMode.BUFFERED, TIMEOUT, 0), sink, registry);

        DeliveryTicket ticket = submit(pipeline, events("e", 3), DeliveryMode.BUFFERED);

        ticket.done().get(10, TimeUnit.SECONDS);
        assertThat(ticket.report().delivered()).containsExactly(0, 1, 2);
        assertThat(sink.calls()).hasSize(3);
        assertThat(counter("gateway.records.failed")).isZero();
    }

    @Test
    void thePausedGaugeIsOneWhileAConfigurationFaultHoldsTheStream() {
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
        ScriptedSink sink =
                new ScriptedSink((call, records) -> broken.get() ? fail(FailureKind.CONFIGURATION) : accept(records));
        pipeline = pipeline(properties(DeliveryMode.BUFFERED, TIMEOUT, 0), sink, registry);
        assertThat(gauge("gateway.sink.paused")).isZero();

        DeliveryTicket ticket = submit(pipeline, events("e", 3), DeliveryMode.BUFFERED);

        // It stays 1 across the pauses and the attempts between them, so an alert's "for" holds.
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.calls().size() >= 3);
        assertThat(gauge("gateway.sink.paused")).isEqualTo(1.0);
        assertThat(registry.get("gateway.sink.paused")
                        .tag("stream", "events")
                        .tag("sink", sink.kind().value())
                        .gauge()
                        .value())
                .isEqualTo(1.0);

        broken.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> ticket.done().isDone());
        assertThat(gauge("gateway.sink.paused")).isZero();
    }

    @Test
    void everyFailureReasonIsCountedFromZeroBeforeTheFirstFailure() {
        // Prometheus' increase() takes a series' first sample as its start: a counter that appeared
        // only at the first failure would hide that failure from the deliveries-failing alert.
        pipeline =
                pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), ScriptedSink.acceptingEverything(), registry);

        for (FailureReason reason : FailureReason.values()) {
            assertThat(registry.get("gateway.records.failed")
                            .tag("stream", "events")
                            .tag("reason", reason.value())
                            .counter()
                            .count())
                    .isZero();
        }
    }

    @Test
    void theBufferFullnessGaugeIsTheFullerOfEventsAndBytes() {
        pipeline = pipeline(
                properties(DeliveryMode.BUFFERED, TIMEOUT, 0, Duration.ofMinutes(5), 100),
                ScriptedSink.acceptingEverything(),
                registry);
        assertThat(gauge("gateway.buffer.fullness")).isZero();

        try (Admission admission = pipeline.admit()) {
            assertThat(admission.tryReserve(25, 250)).isTrue();
            assertThat(gauge("gateway.buffer.fullness")).isEqualTo(0.25);
            assertThat(admission.tryReserve(0, 32L * 1024 * 1024)).isTrue();
            assertThat(gauge("gateway.buffer.fullness")).isGreaterThan(0.5);
        }
        assertThat(gauge("gateway.buffer.fullness")).isZero();
    }

    @Test
    void invalidRequestIsSplitUntilTheRecordAtFaultStandsAlone() throws Exception {
        ScriptedSink sink = new ScriptedSink((call, records) -> records.stream().anyMatch(r -> r.contains("e-5"))
                ? fail(FailureKind.INVALID_REQUEST)
                : accept(records));
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry);

        DeliveryTicket ticket = submit(pipeline, events("e", 8), DeliveryMode.CONFIRMED);
        DeliveryReport report = ticket.await(TIMEOUT.toNanos());

        assertThat(report.failed()).containsExactly(5);
        assertThat(report.failureReason()).isEqualTo(FailureReason.INVALID);
        assertThat(report.delivered()).containsExactly(0, 1, 2, 3, 4, 6, 7);
        List<String> delivered = new ArrayList<>();
        for (ScriptedSink.Call call : sink.calls()) {
            if (call.records().stream().noneMatch(r -> r.contains("e-5"))) {
                delivered.addAll(call.records());
            }
        }
        assertThat(delivered).doesNotHaveDuplicates().hasSize(7);
    }

    @Test
    void concurrentRequestsWithinTheLingerShareOneCall() throws Exception {
        ScriptedSink sink = ScriptedSink.acceptingEverything();
        pipeline = pipeline(
                properties(DeliveryMode.BUFFERED, TIMEOUT, 0, Duration.ofMillis(500), 100_000), sink, registry);

        List<DeliveryTicket> tickets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tickets.add(submit(pipeline, events("r" + i, 1), DeliveryMode.BUFFERED));
        }
        for (DeliveryTicket ticket : tickets) {
            ticket.done().get(5, TimeUnit.SECONDS);
        }

        assertThat(sink.calls())
                .singleElement()
                .satisfies(call -> assertThat(call.records()).hasSize(10));
    }

    @Test
    void fullBatchesGoWithoutWaitingForTheLinger() throws Exception {
        ScriptedSink sink = ScriptedSink.acceptingEverything();
        pipeline =
                pipeline(properties(DeliveryMode.BUFFERED, TIMEOUT, 0, Duration.ofMinutes(5), 100_000), sink, registry);

        DeliveryTicket ticket = submit(pipeline, events("e", 1000), DeliveryMode.BUFFERED);

        ticket.done().get(5, TimeUnit.SECONDS);
        assertThat(sink.calls()).extracting(call -> call.records().size()).containsExactly(500, 500);
    }

    @Test
    void stopDeliversWhatIsHeldWithoutWaitingForTheLinger() {
        ScriptedSink sink = ScriptedSink.acceptingEverything();
        pipeline =
                pipeline(properties(DeliveryMode.BUFFERED, TIMEOUT, 0, Duration.ofMinutes(5), 100_000), sink, registry);

        DeliveryTicket ticket = submit(pipeline, events("e", 20), DeliveryMode.BUFFERED);
        pipeline.stop();

        assertThat(ticket.report().delivered()).hasSize(20);
        assertThat(sink.sentRecords()).hasSize(20);
    }

    @Test
    void fullBufferRefusesTheWholeRequestAndKeepsNothingOfIt() {
        pipeline = pipeline(
                properties(DeliveryMode.BUFFERED, TIMEOUT, 0, Duration.ofMinutes(5), 10),
                ScriptedSink.acceptingEverything(),
                registry);
        List<Event> events = events("e", 11);

        assertThatThrownBy(() -> submit(pipeline, events, DeliveryMode.BUFFERED))
                .isInstanceOf(GatewayFullException.class);
        assertThat(pipeline.budget().records()).isZero();
        assertThat(pipeline.budget().bytes()).isZero();
    }

    @Test
    void backgroundWorkLeavesHalfTheBufferToClients() {
        pipeline = pipeline(
                properties(DeliveryMode.BUFFERED, TIMEOUT, 0, Duration.ofMinutes(5), 100),
                ScriptedSink.acceptingEverything(),
                registry);

        try (Admission background = pipeline.admitBackground()) {
            assertThat(background.tryReserve(50, 500)).isTrue();
            assertThat(background.tryReserve(1, 10)).isFalse();
            try (Admission client = pipeline.admit()) {
                assertThat(client.tryReserve(50, 500)).isTrue();
            }
        }
    }

    @Test
    void recordsDeliveredGiveTheirRoomBack() throws Exception {
        pipeline =
                pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), ScriptedSink.acceptingEverything(), registry);

        submit(pipeline, events("e", 100), DeliveryMode.CONFIRMED).await(TIMEOUT.toNanos());

        assertThat(pipeline.budget().records()).isZero();
        assertThat(pipeline.budget().bytes()).isZero();
    }

    private double gauge(String name) {
        return registry.find(name).gauge().value();
    }

    private Promise accept(
            List<Event> events, DeliveryMode mode, java.util.function.Consumer<DeliveryTicket> onSettled) {
        try (Admission admission = pipeline.admit()) {
            for (Event event : events) {
                admission.reserve(event);
            }
            return pipeline.accept("events", events, admission, mode, onSettled);
        }
    }

    @Test
    void theBufferedPromiseIsKeptAtOnceAndTheEventsSettleLater() throws Exception {
        CompletableFuture<BatchResult> answer = new CompletableFuture<>();
        pipeline = pipeline(
                properties(DeliveryMode.BUFFERED, TIMEOUT, 0), new ScriptedSink((call, records) -> answer), registry);
        CompletableFuture<DeliveryTicket> settled = new CompletableFuture<>();

        Promise promise = accept(events("b", 2), DeliveryMode.BUFFERED, settled::complete);

        assertThat(promise.taken()).isDone();
        assertThat(promise.kept()).isDone();
        assertThat(settled).isNotDone();
        answer.complete(BatchResult.allAccepted(2));
        assertThat(settled.get(5, TimeUnit.SECONDS).deliveredCount()).isEqualTo(2);
    }

    @Test
    void theConfirmedPromiseIsKeptWhenEveryEventIsDelivered() throws Exception {
        pipeline =
                pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), ScriptedSink.acceptingEverything(), registry);

        Promise promise = accept(events("c", 3), DeliveryMode.CONFIRMED, null);

        assertThat(promise.taken()).isDone();
        DeliveryReport report = promise.kept().get(promise.keptWithin().toMillis(), TimeUnit.MILLISECONDS);
        assertThat(report.complete()).isTrue();
        assertThat(report.delivered()).containsExactly(0, 1, 2);
    }

    @Test
    void theConfirmedPromiseIsKeptAtTheDeadlineWithWhatBecameOfEachEvent() throws Exception {
        ScriptedSink sink = new ScriptedSink((call, records) -> fail(FailureKind.RETRYABLE));
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, Duration.ofMillis(300), 0), sink, registry);

        Promise promise = accept(events("d", 4), DeliveryMode.CONFIRMED, null);

        DeliveryReport report = promise.kept().get(promise.keptWithin().toMillis(), TimeUnit.MILLISECONDS);
        assertThat(report.delivered()).isEmpty();
        assertThat(report.failed().size() + report.unknown().size()).isEqualTo(4);
    }

    @Test
    void theMetersNameTheSinkOfTheStream() throws Exception {
        ScriptedSink sink = ScriptedSink.acceptingEverything();
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry);

        submit(pipeline, events("m", 3), DeliveryMode.CONFIRMED).await(TIMEOUT.toNanos());

        assertThat(registry.find("gateway.sink.requests")
                        .tags("stream", "events", "sink", "firehose", "outcome", "success")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.find("gateway.sink.concurrency-limit")
                        .tags("stream", "events", "sink", "firehose")
                        .gauge()
                        .value())
                .isEqualTo(4);
        // Three records of under 5 KiB: three units as Firehose bills them.
        assertThat(registry.find("gateway.sink.billed-units")
                        .tags("stream", "events", "sink", "firehose")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.find("gateway.records.delivered")
                        .tags("stream", "events", "sink", "firehose")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.find("gateway.events.received")
                        .tags("stream", "events", "sink", "firehose", "outcome", "accepted")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.getMeters())
                .noneMatch(meter -> meter.getId().getName().startsWith("gateway.firehose."));
    }

    @Test
    void throttlingHalvesTheCallsInFlightAndUnthrottledCallsWinThemBack() throws Exception {
        ScriptedSink sink =
                new ScriptedSink((call, records) -> call == 0 ? fail(FailureKind.THROTTLED) : accept(records));
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry);
        assertThat(gauge("gateway.sink.concurrency-limit")).isEqualTo(4);

        submit(pipeline, events("t", 1), DeliveryMode.CONFIRMED).await(TIMEOUT.toNanos());

        // One throttled call, then one clean one: the limit went from 4 to 2 and is regaining.
        assertThat(gauge("gateway.sink.concurrency-limit")).isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            submit(pipeline, events("u" + i, 1), DeliveryMode.CONFIRMED).await(TIMEOUT.toNanos());
        }
        assertThat(gauge("gateway.sink.concurrency-limit")).isEqualTo(4);
    }

    @Test
    void throttledEntriesInsideASuccessfulAnswerAlsoLowerTheLimit() throws Exception {
        ScriptedSink sink = new ScriptedSink((call, records) -> {
            if (call > 0) {
                return accept(records);
            }
            List<RecordOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                outcomes.add(new RecordOutcome(FailureKind.THROTTLED, "ServiceUnavailableException", "Slow down."));
            }
            return CompletableFuture.completedFuture(new BatchResult(outcomes));
        });
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 0), sink, registry);

        DeliveryReport report =
                submit(pipeline, events("t", 3), DeliveryMode.CONFIRMED).await(TIMEOUT.toNanos());

        assertThat(report.complete()).isTrue();
        assertThat(gauge("gateway.sink.concurrency-limit")).isLessThan(4);
    }

    @Test
    void aRecordsQuotaHoldsBatchesBackUntilTheBucketRefills() throws Exception {
        ScriptedSink sink = ScriptedSink.acceptingEverything();
        // 1000 records/s shared by 2 replicas: this one may send 500 a second, one full call.
        PipelineProperties.Quota quota =
                new PipelineProperties.Quota(1000, 0, org.springframework.util.unit.DataSize.ofBytes(0));
        pipeline = pipeline(
                properties(DeliveryMode.BUFFERED, TIMEOUT, 0, Duration.ofMillis(2), true, 100_000, quota, 2),
                sink,
                registry);

        DeliveryTicket ticket = submit(pipeline, events("q", 1500), DeliveryMode.BUFFERED);

        // The first call spends the bucket; the next waits for it to refill, about a second.
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(1))
                .until(() -> sink.calls().size() == 1);
        ticket.done().get(10, TimeUnit.SECONDS);
        assertThat(sink.calls()).extracting(call -> call.records().size()).containsExactly(500, 500, 500);
    }

    @Test
    void inBufferedModeAnEventRejectedForGoodIsDeadLetteredWithItsReason() throws Exception {
        String bad = "dead-" + System.nanoTime();
        ScriptedSink sink = new ScriptedSink((call, records) ->
                records.stream().anyMatch(r -> r.contains(bad)) ? fail(FailureKind.INVALID_REQUEST) : accept(records));
        pipeline = pipeline(properties(DeliveryMode.BUFFERED, TIMEOUT, 0), sink, registry);
        List<Event> events = new ArrayList<>(events("ok", 3));
        events.add(new Event(bad, ("{\"id\":\"" + bad + "\"}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        DeliveryTicket ticket = submit(pipeline, events, DeliveryMode.BUFFERED);
        ticket.done().get(10, TimeUnit.SECONDS);

        assertThat(ticket.report().delivered()).containsExactly(0, 1, 2);
        assertThat(ticket.report().failureReason()).isEqualTo(FailureReason.INVALID);
        java.nio.file.Path letters = java.nio.file.Path.of(
                System.getProperty("java.io.tmpdir"),
                "gateway-dead-letter-tests",
                "events",
                java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ".ndjson");
        assertThat(java.nio.file.Files.readAllLines(letters))
                .anySatisfy(line -> assertThat(line)
                        .contains("\"reason\":\"invalid\"")
                        .endsWith("\"event\":{\"id\":\"" + bad + "\"}}"));
        assertThat(registry.get("gateway.records.failed")
                        .tag("reason", "invalid")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void anIdleStreamSendsAwaitedEventsAtOnceAndRequestsArrivingDuringACallShareTheNext() throws Exception {
        CompletableFuture<BatchResult> firstCall = new CompletableFuture<>();
        ScriptedSink sink = new ScriptedSink((call, records) -> call == 0 ? firstCall : accept(records));
        // A linger of minutes: only sending when idle can explain calls going out now.
        pipeline = pipeline(
                properties(
                        DeliveryMode.CONFIRMED,
                        TIMEOUT,
                        0,
                        Duration.ofMinutes(5),
                        true,
                        100_000,
                        PipelineProperties.Quota.NONE,
                        1),
                sink,
                registry);

        DeliveryTicket first = submit(pipeline, events("first", 1), DeliveryMode.CONFIRMED);
        List<DeliveryTicket> during = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            during.add(submit(pipeline, events("during" + i, 1), DeliveryMode.CONFIRMED));
        }
        assertThat(sink.calls())
                .singleElement()
                .satisfies(call -> assertThat(call.records()).hasSize(1));

        firstCall.complete(BatchResult.allAccepted(1));

        first.done().get(5, TimeUnit.SECONDS);
        for (DeliveryTicket ticket : during) {
            ticket.done().get(5, TimeUnit.SECONDS);
        }
        assertThat(sink.calls()).extracting(call -> call.records().size()).containsExactly(1, 9);
    }

    /** A linger of minutes, and a batch that filled during calls waits it out at an idle stream. */
    private static PipelineProperties holdingBatchesThatFilledDuringCalls() {
        return properties(
                DeliveryMode.CONFIRMED,
                TIMEOUT,
                0,
                Duration.ofMinutes(5),
                true,
                false,
                100_000,
                PipelineProperties.Quota.NONE,
                1);
    }

    @Test
    void aBatchThatFilledDuringACallWaitsOutItsLingerWhenTheCallLeavesTheStreamIdle() throws Exception {
        CompletableFuture<BatchResult> firstCall = new CompletableFuture<>();
        ScriptedSink sink = new ScriptedSink((call, records) -> call == 0 ? firstCall : accept(records));
        pipeline = pipeline(holdingBatchesThatFilledDuringCalls(), sink, registry);

        DeliveryTicket first = submit(pipeline, events("first", 1), DeliveryMode.CONFIRMED);
        List<DeliveryTicket> during = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            during.add(submit(pipeline, events("during" + i, 1), DeliveryMode.CONFIRMED));
        }
        // The answer is acted on, and the slot freed, on this thread before complete() returns.
        firstCall.complete(BatchResult.allAccepted(1));
        first.done().get(5, TimeUnit.SECONDS);

        assertThat(sink.calls()).hasSize(1);
        assertThat(during).noneMatch(ticket -> ticket.done().isDone());

        // Stopping drains without lingers: the nine were held, not lost.
        pipeline.stop();
        for (DeliveryTicket ticket : during) {
            ticket.done().get(5, TimeUnit.SECONDS);
        }
        assertThat(sink.calls()).extracting(call -> call.records().size()).containsExactly(1, 9);
    }

    @Test
    void anEventArrivingAtAnIdleStreamAfterACallGoesAtOnce() throws Exception {
        ScriptedSink sink = new ScriptedSink((call, records) -> accept(records));
        pipeline = pipeline(holdingBatchesThatFilledDuringCalls(), sink, registry);

        for (int i = 0; i < 3; i++) {
            submit(pipeline, events("lone" + i, 1), DeliveryMode.CONFIRMED)
                    .done()
                    .get(5, TimeUnit.SECONDS);
        }

        assertThat(sink.calls()).extracting(call -> call.records().size()).containsExactly(1, 1, 1);
    }

    @Test
    void aBatchNobodyWaitsForLingersEvenOnAnIdleStream() throws Exception {
        ScriptedSink sink = new ScriptedSink((call, records) -> accept(records));
        pipeline = pipeline(
                properties(
                        DeliveryMode.BUFFERED,
                        TIMEOUT,
                        0,
                        Duration.ofSeconds(2),
                        true,
                        100_000,
                        PipelineProperties.Quota.NONE,
                        1),
                sink,
                registry);

        List<DeliveryTicket> tickets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tickets.add(submit(pipeline, events("buffered" + i, 1), DeliveryMode.BUFFERED));
        }
        // Answered 202 already: the batch waits out its linger instead of going at once, event by event.
        assertThat(sink.calls()).isEmpty();

        for (DeliveryTicket ticket : tickets) {
            ticket.done().get(5, TimeUnit.SECONDS);
        }
        assertThat(sink.calls()).extracting(call -> call.records().size()).containsExactly(5);
    }

    @Test
    void aRejectedPackIsUnpackedSoOnlyTheEventAtFaultFails() throws Exception {
        ScriptedSink sink = new ScriptedSink((call, records) -> {
            List<RecordOutcome> outcomes = new ArrayList<>();
            for (String record : records) {
                outcomes.add(
                        record.contains("p-3")
                                ? new RecordOutcome(FailureKind.INVALID_REQUEST, "InvalidArgumentException", "bad")
                                : RecordOutcome.ACCEPTED);
            }
            return CompletableFuture.completedFuture(new BatchResult(outcomes));
        });
        pipeline = pipeline(properties(DeliveryMode.CONFIRMED, TIMEOUT, 5120), sink, registry);

        DeliveryReport report =
                submit(pipeline, events("p", 6), DeliveryMode.CONFIRMED).await(TIMEOUT.toNanos());

        assertThat(report.failed()).containsExactly(3);
        assertThat(report.delivered()).containsExactly(0, 1, 2, 4, 5);
        assertThat(sink.calls().get(0).records()).hasSize(1);
    }

    @Test
    void eventsWhoseClientStoppedWaitingLeaveAPackWithoutFailingALaterRequestsEvents() throws Exception {
        ScriptedSink sink = ScriptedSink.acceptingEverything();
        // The batch lingers until the stop: both requests' events share its one pack meanwhile.
        pipeline = pipeline(
                properties(DeliveryMode.CONFIRMED, TIMEOUT, 2000, Duration.ofMinutes(5), 100_000), sink, registry);
        DeliveryTicket timedOut = submit(pipeline, events("early", 2), DeliveryMode.CONFIRMED);
        DeliveryTicket later = submit(pipeline, events("late", 2), DeliveryMode.CONFIRMED);
        timedOut.expire();

        pipeline.stop();

        assertThat(later.report().delivered()).containsExactly(0, 1);
        assertThat(timedOut.report().failed()).containsExactly(0, 1);
        assertThat(sink.sentRecords()).containsExactly("{\"id\":\"late-0\"}\n{\"id\":\"late-1\"}\n");
        assertThat(pipeline.budget().records()).isZero();
        assertThat(pipeline.budget().bytes()).isZero();
    }
}
