package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.PipelineTestSupport.events;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.event.Event;
import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalEntry;
import io.firehosegateway.journal.JournalProperties;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class DeadLetterFailureTests {

    @TempDir
    Path directory;

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
    }

    /** Journaled settings whose dead letters go to {@code deadLetters}. */
    private static PipelineProperties journaled(Path deadLetters) {
        return new PipelineProperties(
                SinkKind.FIREHOSE,
                "events",
                Map.of(
                        "events",
                        new PipelineProperties.StreamProperties(
                                null,
                                null,
                                null,
                                null,
                                DataSize.ofBytes(0),
                                PipelineProperties.Quota.NONE,
                                PipelineProperties.Metadata.OFF)),
                new PipelineProperties.Buffer(1_000, DataSize.ofMegabytes(64), Duration.ofSeconds(1), 1.0, 1.0),
                new PipelineProperties.Delivery(
                        DeliveryMode.JOURNALED,
                        Duration.ofSeconds(10),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(1),
                        deadLetters,
                        Duration.ofMillis(2),
                        true,
                        true,
                        true,
                        4,
                        Duration.ofMillis(1),
                        Duration.ofMillis(20)),
                1);
    }

    @Test
    void aJournalEntryStaysInTheJournalWhenItsRefusedEventCannotBeDeadLettered() throws Exception {
        // A file where the dead-letter directory should be: no dead letter can be written below it.
        Path notADirectory = Files.createFile(directory.resolve("dead-letter"));
        journal = Journal.open(
                new JournalProperties(directory.resolve("journal"), DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)),
                Clock.systemUTC());
        ScriptedSink refusing = new ScriptedSink((call, records) -> CompletableFuture.failedFuture(
                new SinkException(FailureKind.INVALID_REQUEST, "InvalidArgumentException", "refused", null)));
        pipeline = new Pipeline(
                journaled(notADirectory),
                List.of(refusing),
                new GatewayMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(),
                NanoClock.SYSTEM,
                journal);
        pipeline.start();
        CompletableFuture<DeliveryTicket> settled = new CompletableFuture<>();
        Consumer<DeliveryTicket> onSettled = settled::complete;
        journal.append(
                        "events",
                        events("lost", 1),
                        new JournaledDelivery.OnSettled(tickets -> onSettled.accept(tickets.get(0))))
                .get(10, TimeUnit.SECONDS);

        feeder = new JournalFeeder(new JournaledDelivery(journal), pipeline);
        feeder.start();

        // The feeder has decided whether to acknowledge the entry by the time it reports it settled.
        DeliveryTicket ticket = settled.get(10, TimeUnit.SECONDS);
        assertThat(ticket.report().failureReason()).isEqualTo(FailureReason.INVALID);
        assertThat(refusing.calls()).isNotEmpty();
        assertThat(journal.pendingEntries()).isEqualTo(1);

        feeder.stop();
        feeder = null;
        pipeline.stop();
        pipeline = null;
        journal.close();
        journal = Journal.open(
                new JournalProperties(directory.resolve("journal"), DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)),
                Clock.systemUTC());
        JournalEntry again = journal.poll(5_000);
        assertThat(again).isNotNull();
        assertThat(again.events()).extracting(Event::id).containsExactly("lost-0");
    }
}
