package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.OrderingTestSupport.keyed;
import static io.firehosegateway.pipeline.OrderingTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class JournalFeederTests {

    @TempDir
    Path directory;

    private final Destination destination = new Destination(0, (ids, attempt) -> Fate.ACCEPT);
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
                .deliver(anyString(), anyList(), any(), any());
        journal.append("events", keyed("first", 0, 30), null).get(10, TimeUnit.SECONDS);
        journal.append("events", keyed("second", 0, 30), null).get(10, TimeUnit.SECONDS);
        journal.append("events", keyed("third", 0, 30), null).get(10, TimeUnit.SECONDS);

        feeder = new JournalFeeder(journal, failingTwice);
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
}
