package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.OrderingTestSupport.events;
import static io.firehosegateway.pipeline.OrderingTestSupport.inOrder;
import static io.firehosegateway.pipeline.OrderingTestSupport.interleaved;
import static io.firehosegateway.pipeline.OrderingTestSupport.keyed;
import static io.firehosegateway.pipeline.OrderingTestSupport.properties;
import static io.firehosegateway.pipeline.OrderingTestSupport.submit;
import static io.firehosegateway.pipeline.OrderingTestSupport.withRouteTarget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.event.Event;
import io.firehosegateway.pipeline.OrderingTestSupport.Destination;
import io.firehosegateway.pipeline.OrderingTestSupport.Fate;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PerKeyOrderingTests {

    private static final List<String> KEYS =
            IntStream.range(0, 12).mapToObj(i -> "key" + i).toList();

    /**
     * A third of the events fail their first try, some are throttled twice, and every fourth call
     * lands whole but is answered with a reset (late duplicates).
     */
    private static final Destination.Script FAULTS = (ids, attempt) -> {
        String first = ids.get(0);
        int index = Integer.parseInt(first.substring(first.lastIndexOf('-') + 1));
        if (index % 3 == 0 && attempt == 0) {
            return Fate.FAIL;
        }
        if (index % 7 == 1 && attempt < 2) {
            return Fate.THROTTLE;
        }
        return Fate.ACCEPT;
    };

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Pipeline pipeline;
    private Destination destination;

    @AfterEach
    void stop() {
        if (pipeline != null && pipeline.isRunning()) {
            pipeline.stop();
        }
        if (destination != null) {
            destination.close();
        }
    }

    private Pipeline start(PipelineProperties properties, Destination destination) {
        this.destination = destination;
        pipeline = PipelineTestSupport.pipeline(properties, destination.sink(), registry);
        return pipeline;
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double counter(String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    /** Three requests, each with ten events of each of twelve keys, interleaved; waits for all. */
    private List<DeliveryTicket> sendThreeRequestsOfTwelveKeys(DeliveryMode mode) throws Exception {
        List<DeliveryTicket> tickets = new ArrayList<>();
        for (int request = 0; request < 3; request++) {
            tickets.add(submit(pipeline, interleaved(KEYS, request * 10, 10), mode));
        }
        for (DeliveryTicket ticket : tickets) {
            ticket.done().get(30, TimeUnit.SECONDS);
        }
        return tickets;
    }

    @Test
    void perKeyKeepsEachKeysOrderThroughFailuresThrottlesAndResetsAcrossRequests() throws Exception {
        start(properties(DeliveryMode.BUFFERED, Ordering.PER_KEY, 0, 100_000, 1.0), new Destination(4, FAULTS));

        List<DeliveryTicket> tickets = sendThreeRequestsOfTwelveKeys(DeliveryMode.BUFFERED);

        assertThat(tickets)
                .allSatisfy(ticket -> assertThat(ticket.report().complete()).isTrue());
        Map<String, List<String>> firstCopies = destination.firstCopiesByKey();
        assertThat(firstCopies).hasSize(KEYS.size());
        assertThat(firstCopies.values()).allSatisfy(ids -> {
            assertThat(ids).hasSize(30);
            assertThat(inOrder(ids)).as("order of %s", ids).isTrue();
        });
        assertThat(destination.violations())
                .as("keys with two records in calls at once")
                .isEmpty();
        // The faults did happen: resends, throttles and late duplicates.
        assertThat(counter("gateway.records.retried")).isPositive();
        assertThat(counter("gateway.records.possible-duplicates")).isPositive();
    }

    @Test
    void perKeyKeepsTheOrderInConfirmedModeToo() throws Exception {
        start(properties(DeliveryMode.CONFIRMED, Ordering.PER_KEY, 0, 100_000, 1.0), new Destination(4, FAULTS));

        List<DeliveryTicket> tickets = sendThreeRequestsOfTwelveKeys(DeliveryMode.CONFIRMED);

        assertThat(tickets)
                .allSatisfy(ticket -> assertThat(ticket.report().complete()).isTrue());
        assertThat(destination.firstCopiesByKey().values())
                .allSatisfy(
                        ids -> assertThat(inOrder(ids)).as("order of %s", ids).isTrue());
        assertThat(destination.violations()).isEmpty();
    }

    @Test
    void noneReordersUnderTheSameFaults() throws Exception {
        start(properties(DeliveryMode.BUFFERED, Ordering.NONE, 0, 100_000, 1.0), new Destination(4, FAULTS));

        List<DeliveryTicket> tickets = sendThreeRequestsOfTwelveKeys(DeliveryMode.BUFFERED);

        // Everything is delivered, but a retried entry lands after later ones of its key.
        assertThat(tickets)
                .allSatisfy(ticket -> assertThat(ticket.report().complete()).isTrue());
        assertThat(destination.firstCopiesByKey().values())
                .anySatisfy(ids -> assertThat(inOrder(ids)).isFalse());
    }

    @Test
    void withPackingAKeysWaitingEventsShareItsNextRecordAndRecordsNeverMixKeys() throws Exception {
        start(properties(DeliveryMode.BUFFERED, Ordering.PER_KEY, 2000, 100_000, 1.0), new Destination(4, FAULTS));
        List<Event> events = new ArrayList<>(keyed("hot", 0, 300));
        events.addAll(interleaved(List.of("cold0", "cold1", "cold2"), 0, 5));

        submit(pipeline, events, DeliveryMode.BUFFERED).done().get(30, TimeUnit.SECONDS);

        int hotRecords = 0;
        for (List<String> call : destination.calls()) {
            for (String record : call) {
                Set<String> keys = new HashSet<>();
                events(record).forEach(event -> keys.add(event[1]));
                assertThat(keys).as("keys in one record").hasSize(1);
                if (keys.contains("hot")) {
                    hotRecords++;
                }
            }
        }
        // 300 events of about 30 bytes: a few records of up to 2000 bytes each, and their resends.
        assertThat(hotRecords).isBetween(2, 30);
        List<String> hotIds = destination.firstCopiesByKey().get("hot");
        assertThat(hotIds).hasSize(300);
        assertThat(inOrder(hotIds)).as("order of %s", hotIds).isTrue();
        assertThat(destination.violations()).isEmpty();
    }

    @Test
    void aRejectedPackIsUnpackedAndOnlyTheEventAtFaultIsGivenUpInOrder() throws Exception {
        Destination.Script rejectK4 = (ids, attempt) -> ids.contains("k-4") ? Fate.REJECT : Fate.ACCEPT;
        start(properties(DeliveryMode.CONFIRMED, Ordering.PER_KEY, 2000, 100_000, 1.0), new Destination(0, rejectK4));

        DeliveryTicket ticket = submit(pipeline, keyed("k", 0, 20), DeliveryMode.CONFIRMED);
        DeliveryReport report = ticket.done().get(30, TimeUnit.SECONDS).report();

        assertThat(report.failed()).containsExactly(4);
        assertThat(report.delivered()).hasSize(19);
        List<String> kIds = destination.firstCopiesByKey().get("k");
        assertThat(kIds).hasSize(19);
        assertThat(inOrder(kIds)).as("order of %s", kIds).isTrue();
        assertThat(destination.violations()).isEmpty();
    }

    @Test
    void aThrottledRecordBacksOffItsKeyWithoutLoweringTheStreamsConcurrencyLimit() throws Exception {
        // Kinesis throttles one shard, not the stream: only that key's record waits.
        Destination.Script hotShard =
                (ids, attempt) -> ids.get(0).startsWith("hot-") && attempt < 3 ? Fate.THROTTLE : Fate.ACCEPT;
        start(properties(DeliveryMode.CONFIRMED, Ordering.PER_KEY, 0, 100_000, 1.0), new Destination(0, hotShard));

        List<Event> events = new ArrayList<>(keyed("hot", 0, 5));
        events.addAll(interleaved(List.of("a", "b", "c"), 0, 5));
        DeliveryReport report = submit(pipeline, events, DeliveryMode.CONFIRMED)
                .done()
                .get(30, TimeUnit.SECONDS)
                .report();

        assertThat(report.complete()).isTrue();
        assertThat(counter("gateway.records.retried")).isGreaterThanOrEqualTo(15);
        assertThat(gauge("gateway.sink.concurrency-limit")).isEqualTo(4);
    }

    @Test
    void oneHotKeyAtItsShardLimitHoldsUpNoColdKeyAndIsRefusedPastItsShareOfTheBuffer() throws Exception {
        // The hot key's shard takes nothing until released: its events back up in its own lane.
        AtomicBoolean hotShardOpen = new AtomicBoolean();
        Destination.Script hotShard =
                (ids, attempt) -> ids.get(0).startsWith("hot-") && !hotShardOpen.get() ? Fate.THROTTLE : Fate.ACCEPT;
        // One key may have 5 % of 10,000 events waiting: 500.
        start(properties(DeliveryMode.BUFFERED, Ordering.PER_KEY, 0, 10_000, 0.05), new Destination(0, hotShard));
        DeliveryTicket hot = submit(pipeline, keyed("hot", 0, 400), DeliveryMode.BUFFERED);

        List<String> coldKeys = IntStream.range(0, 50).mapToObj(i -> "cold" + i).toList();
        for (int round = 0; round < 20; round++) {
            DeliveryReport cold = submit(pipeline, interleaved(coldKeys, round, 1), DeliveryMode.CONFIRMED)
                    .done()
                    .get(30, TimeUnit.SECONDS)
                    .report();
            assertThat(cold.complete()).isTrue();
        }
        long heldBefore = pipeline.budget().records();
        assertThatThrownBy(() -> submit(pipeline, keyed("hot", 400, 200), DeliveryMode.BUFFERED))
                .isInstanceOf(PartitionKeyBacklogException.class);

        // Every cold event landed while not one hot event did; the hot key took one slot, no more.
        assertThat(hot.deliveredCount()).isZero();
        assertThat(destination.firstCopiesByKey()).hasSize(50);
        assertThat(gauge("gateway.sink.concurrency-limit")).isEqualTo(4);
        assertThat(pipeline.budget().records())
                .as("the refused request left nothing behind")
                .isEqualTo(heldBefore);

        hotShardOpen.set(true);
        hot.done().get(30, TimeUnit.SECONDS);
        List<String> hotIds = destination.firstCopiesByKey().get("hot");
        assertThat(hotIds).hasSize(400);
        assertThat(inOrder(hotIds)).as("order of %s", hotIds).isTrue();
    }

    @Test
    void aRoutedRequestWithABackedUpKeyIsRefusedWholeAndLeavesNothingBehind() throws Exception {
        AtomicBoolean hotShardOpen = new AtomicBoolean();
        Destination.Script hotShard =
                (ids, attempt) -> ids.get(0).startsWith("hot-") && !hotShardOpen.get() ? Fate.THROTTLE : Fate.ACCEPT;
        // One key may have 10 % of 100 events waiting: 10.
        start(
                withRouteTarget(properties(DeliveryMode.BUFFERED, Ordering.PER_KEY, 0, 100, 0.1)),
                new Destination(0, hotShard));
        submit(pipeline, keyed("hot", 0, 1), DeliveryMode.BUFFERED);
        submit(pipeline, keyed("hot", 1, 10), DeliveryMode.BUFFERED);
        long heldBefore = pipeline.budget().records();

        // Valid events of the backed-up key, and one invalid event routed to another stream.
        List<RequestPart> parts = List.of(
                new RequestPart("events", keyed("hot", 11, 5), List.of(0, 1, 2, 3, 4)),
                new RequestPart("routed", keyed("bad", 0, 1), List.of(5)));
        assertThatThrownBy(() -> acceptWhole(parts)).isInstanceOf(PartitionKeyBacklogException.class);
        assertThat(pipeline.budget().records())
                .as("the refused request left nothing behind")
                .isEqualTo(heldBefore);

        hotShardOpen.set(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.budget().records() == 0);
        assertThat(destination.firstCopiesByKey().get("hot")).hasSize(11);
        assertThat(destination.firstCopiesByKey()).doesNotContainKey("bad");
    }

    /** Admits a routed request and hands it on whole, as the API does. */
    private void acceptWhole(List<RequestPart> parts) {
        try (Admission admission = pipeline.admit()) {
            for (RequestPart part : parts) {
                part.events().forEach(admission::reserve);
            }
            pipeline.accept(parts, admission, DeliveryMode.BUFFERED);
        }
    }

    @Test
    void eventsWhoseClientStoppedWaitingLeaveAPackWithoutFailingALaterRequestsEvents() throws Exception {
        CompletableFuture<BatchResult> firstCall = new CompletableFuture<>();
        ScriptedSink sink = new ScriptedSink(
                SinkKind.KINESIS,
                OrderingTestSupport.KINESIS_LIKE,
                (call, records) -> call == 0
                        ? firstCall
                        : CompletableFuture.completedFuture(BatchResult.allAccepted(records.size())));
        pipeline = PipelineTestSupport.pipeline(
                properties(DeliveryMode.CONFIRMED, Ordering.PER_KEY, 2000, 100_000, 1.0), sink, registry);
        // k-0 is in a call not yet answered; two requests' events wait behind it, to share its next record.
        DeliveryTicket first = submit(pipeline, keyed("k", 0, 1), DeliveryMode.CONFIRMED);
        DeliveryTicket timedOut = submit(pipeline, keyed("k", 1, 2), DeliveryMode.CONFIRMED);
        DeliveryTicket later = submit(pipeline, keyed("k", 3, 2), DeliveryMode.CONFIRMED);
        timedOut.expire();

        firstCall.complete(BatchResult.allAccepted(1));

        assertThat(later.done().get(10, TimeUnit.SECONDS).report().delivered()).containsExactly(0, 1);
        assertThat(first.report().delivered()).containsExactly(0);
        assertThat(timedOut.report().failed()).containsExactly(0, 1);
        assertThat(sink.sentRecords())
                .containsExactly(
                        "{\"id\":\"k-0\",\"k\":\"k\"}\n",
                        "{\"id\":\"k-3\",\"k\":\"k\"}\n{\"id\":\"k-4\",\"k\":\"k\"}\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.budget().records() == 0);
        assertThat(pipeline.budget().bytes()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = FailureKind.class,
            names = {"RETRYABLE", "UNKNOWN_OUTCOME"})
    void aFailedPackGivesUpOnlyTheEventsWhoseDeadlineItsBackoffPassesAndSendsTheRestAgain(FailureKind failure)
            throws Exception {
        AtomicLong now = new AtomicLong();
        long timeout = properties(DeliveryMode.CONFIRMED, Ordering.PER_KEY, 2000, 100_000, 1.0)
                .delivery()
                .timeout()
                .toNanos();
        CompletableFuture<BatchResult> firstCall = new CompletableFuture<>();
        ScriptedSink sink = new ScriptedSink(SinkKind.KINESIS, OrderingTestSupport.KINESIS_LIKE, (call, records) -> {
            if (call == 0) {
                return firstCall;
            }
            if (call == 1) {
                // The pack's call fails as the earlier request's deadline comes: any backoff ends past it.
                now.set(timeout);
                return CompletableFuture.completedFuture(
                        new BatchResult(List.of(new RecordOutcome(failure, "InternalFailure", "scripted"))));
            }
            return CompletableFuture.completedFuture(BatchResult.allAccepted(records.size()));
        });
        pipeline = PipelineTestSupport.pipeline(
                properties(DeliveryMode.CONFIRMED, Ordering.PER_KEY, 2000, 100_000, 1.0), sink, registry, now::get);
        // k-0 is in a call not yet answered; two requests' events wait behind it, to share its next record.
        DeliveryTicket first = submit(pipeline, keyed("k", 0, 1), DeliveryMode.CONFIRMED);
        DeliveryTicket earlier = submit(pipeline, keyed("k", 1, 2), DeliveryMode.CONFIRMED);
        now.set(timeout / 2);
        DeliveryTicket later = submit(pipeline, keyed("k", 3, 2), DeliveryMode.CONFIRMED);

        firstCall.complete(BatchResult.allAccepted(1));

        assertThat(later.done().get(10, TimeUnit.SECONDS).report().delivered()).containsExactly(0, 1);
        DeliveryReport given = earlier.done().get(10, TimeUnit.SECONDS).report();
        // Given up after a call whose outcome is unknown, they may have landed: the client hears so.
        assertThat(failure == FailureKind.UNKNOWN_OUTCOME ? given.unknown() : given.failed())
                .containsExactly(0, 1);
        assertThat(given.failureReason()).isEqualTo(FailureReason.DEADLINE);
        assertThat(first.report().delivered()).containsExactly(0);
        assertThat(sink.sentRecords())
                .containsExactly(
                        "{\"id\":\"k-0\",\"k\":\"k\"}\n",
                        "{\"id\":\"k-1\",\"k\":\"k\"}\n{\"id\":\"k-2\",\"k\":\"k\"}\n"
                                + "{\"id\":\"k-3\",\"k\":\"k\"}\n{\"id\":\"k-4\",\"k\":\"k\"}\n",
                        "{\"id\":\"k-3\",\"k\":\"k\"}\n{\"id\":\"k-4\",\"k\":\"k\"}\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.budget().records() == 0);
        assertThat(pipeline.budget().bytes()).isZero();
    }
}
