package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.OrderingTestSupport.inOrder;
import static io.firehosegateway.pipeline.OrderingTestSupport.keyed;
import static io.firehosegateway.pipeline.OrderingTestSupport.properties;
import static io.firehosegateway.pipeline.OrderingTestSupport.withRouteTarget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalEntry;
import io.firehosegateway.journal.JournalProperties;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.OrderingTestSupport.Destination;
import io.firehosegateway.pipeline.OrderingTestSupport.Fate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class JournalFeederTests {

    @TempDir
    Path directory;

    private final Destination destination = new Destination(0, (ids, attempt) -> Fate.ACCEPT);
    private final AtomicBoolean shardOfKOpen = new AtomicBoolean();
    /** Key {@code k}'s shard takes nothing until opened; the rest is accepted. */
    private final Destination throttlingK = new Destination(
            0, (ids, attempt) -> ids.get(0).startsWith("k-") && !shardOfKOpen.get() ? Fate.THROTTLE : Fate.ACCEPT);

    private Journal journal;
    private Pipeline pipeline;
    private JournalFeeder feeder;

    @AfterEach
    void stop() throws Exception {
        if (feeder != null) {
            feeder.stop();
        }
        if (pipeline != null) {
            pipeline.stop();
        }
        if (journal != null) {
            journal.close();
        }
        destination.close();
        throttlingK.close();
    }

    @Test
    void anEntryWhoseHandOverThrowsGivesItsBufferRoomBackSoLaterEntriesStillFlow() throws Exception {
        journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)), Clock.systemUTC());
        // 100 events in the buffer, 50 for background work: two leaked entries of 30 would stall the third.
        pipeline = new Pipeline(
                properties(DeliveryMode.JOURNALED, Ordering.NONE, 0, 100, 1.0),
                List.of(destination.sink()),
                new GatewayMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(),
                NanoClock.SYSTEM,
                journal);
        pipeline.start();
        Pipeline failingTwice = spy(pipeline);
        AtomicInteger handOvers = new AtomicInteger();
        doAnswer(invocation -> {
                    if (handOvers.getAndIncrement() < 2) {
                        throw new IllegalStateException("the stream refused the entry");
                    }
                    return invocation.callRealMethod();
                })
                .when(failingTwice)
                .deliver(anyList(), any());
        journal.append("events", keyed("first", 0, 30), null).get(10, TimeUnit.SECONDS);
        journal.append("events", keyed("second", 0, 30), null).get(10, TimeUnit.SECONDS);
        journal.append("events", keyed("third", 0, 30), null).get(10, TimeUnit.SECONDS);

        feeder = new JournalFeeder(new JournaledDelivery(journal), failingTwice);
        feeder.start();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> destination
                                .firstCopiesByKey()
                                .getOrDefault("third", List.of())
                                .size()
                        == 30);
        assertThat(handOvers).hasValue(3);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(pipeline.budget().records()).isZero());
    }

    @Test
    void aRoutedEntrysWrapperWaitsBehindItsKeysSetAsideEntryOnTheRouteTarget() throws Exception {
        journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)), Clock.systemUTC());
        // The source stream keeps no order; the route target keeps it per key, 10 events waiting at most.
        pipeline = new Pipeline(
                withRouteTarget(properties(DeliveryMode.JOURNALED, Ordering.NONE, 0, 100, 0.1)),
                List.of(throttlingK.sink()),
                new GatewayMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(),
                NanoClock.SYSTEM,
                journal);
        pipeline.start();
        // Key k backs up on the target, so the next all-invalid request for k is set aside; then a
        // mixed request with an invalid event of k, and a last plain one that shows the feeder got past it.
        journal.append("routed", keyed("k", 0, 12), null).get(10, TimeUnit.SECONDS);
        journal.append("routed", keyed("k", 12, 1), null).get(10, TimeUnit.SECONDS);
        journal.appendParts(
                        List.of(
                                new JournalEntry.Part("events", keyed("valid", 0, 1)),
                                new JournalEntry.Part("routed", keyed("k", 13, 1))),
                        null)
                .get(10, TimeUnit.SECONDS);
        journal.append("events", keyed("last", 0, 1), null).get(10, TimeUnit.SECONDS);

        feeder = new JournalFeeder(new JournaledDelivery(journal), pipeline);
        feeder.start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> throttlingK.firstCopiesByKey().containsKey("last"));
        shardOfKOpen.set(true);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> throttlingK
                                .firstCopiesByKey()
                                .getOrDefault("k", List.of())
                                .size()
                        == 14);
        List<String> k = throttlingK.firstCopiesByKey().get("k");
        assertThat(inOrder(k)).as("order of %s", k).isTrue();
        assertThat(throttlingK.violations()).isEmpty();
    }
}
