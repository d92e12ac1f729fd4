package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.OrderingTestSupport.inOrder;
import static io.firehosegateway.pipeline.OrderingTestSupport.interleaved;
import static io.firehosegateway.pipeline.OrderingTestSupport.keyed;
import static io.firehosegateway.pipeline.OrderingTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.event.Event;
import io.firehosegateway.journal.Journal;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class PerKeyJournaledTests {

    @TempDir
    Path directory;

    private final AtomicBoolean hotShardOpen = new AtomicBoolean();
    /** The hot key's shard takes nothing until opened; cold keys' records fail once in three tries. */
    private final Destination destination = new Destination(0, (ids, attempt) -> {
        if (ids.get(0).startsWith("hot-")) {
            return hotShardOpen.get() ? Fate.ACCEPT : Fate.THROTTLE;
        }
        return ids.get(0).hashCode() % 3 == 0 && attempt == 0 ? Fate.FAIL : Fate.ACCEPT;
    });

    private Journal journal;
    private Pipeline pipeline;
    private JournalFeeder feeder;

    @AfterEach
    void stop() throws Exception {
        shutDown();
        destination.close();
    }

    private void startUp() throws Exception {
        journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)), Clock.systemUTC());
        // 1,000 events in the buffer: background work (the feeder) may hold 500, one key 50 waiting.
        pipeline = new Pipeline(
                properties(DeliveryMode.JOURNALED, Ordering.PER_KEY, 0, 1_000, 0.05),
                List.of(destination.sink()),
                new GatewayMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(),
                NanoClock.SYSTEM,
                journal);
        pipeline.start();
        feeder = new JournalFeeder(new JournaledDelivery(journal), pipeline);
        feeder.start();
    }

    private void shutDown() throws Exception {
        if (feeder != null) {
            feeder.stop();
            feeder = null;
        }
        if (pipeline != null) {
            pipeline.stop();
            pipeline = null;
        }
        if (journal != null) {
            journal.close();
            journal = null;
        }
    }

    private void journal(List<Event> events) throws Exception {
        try (Admission admission = pipeline.admit()) {
            pipeline.accept("events", events, admission, DeliveryMode.JOURNALED, null)
                    .taken()
                    .get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBackedUpKeysEntriesAreSetAsideSoTheFeederHandsOnTheOthersAndOrderHoldsAcrossARestart() throws Exception {
        startUp();
        // 540 events of the hot key: more than the feeder's share of the buffer, were they all held.
        for (int entry = 0; entry < 9; entry++) {
            journal(keyed("hot", entry * 60, 60));
        }
        List<String> coldKeys = IntStream.range(0, 20).mapToObj(i -> "cold" + i).toList();
        for (int entry = 0; entry < 10; entry++) {
            journal(interleaved(coldKeys, entry * 3, 3));
        }

        // Every cold event lands behind the stuck hot key, in order, while not one hot event does.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> destination.firstCopiesByKey().values().stream()
                                .mapToInt(List::size)
                                .sum()
                        == 600);
        assertThat(destination.firstCopiesByKey()).doesNotContainKey("hot");

        // A restart while the hot key is stuck: its entries are read again from the journal.
        shutDown();
        hotShardOpen.set(true);
        startUp();
        journal(keyed("hot", 540, 60));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> destination
                                .firstCopiesByKey()
                                .getOrDefault("hot", List.of())
                                .size()
                        == 600);
        List<String> hot = destination.firstCopiesByKey().get("hot");
        assertThat(inOrder(hot)).as("order of %s", hot).isTrue();
        assertThat(destination.firstCopiesByKey().values())
                .allSatisfy(
                        ids -> assertThat(inOrder(ids)).as("order of %s", ids).isTrue());
        assertThat(destination.violations()).isEmpty();
    }
}
