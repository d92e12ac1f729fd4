package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** An append that overlaps {@link Journal#close()} is either on disk and acknowledged, or refused: never both, never neither. */
class JournalClosingTests {

    @TempDir
    Path directory;

    private Journal journal;
    private final CountDownLatch resume = new CountDownLatch(1);

    @AfterEach
    void closeAll() throws IOException {
        resume.countDown();
        if (journal != null) {
            journal.close();
        }
    }

    private Journal open() throws IOException {
        return open(JournalHooks.NONE);
    }

    private Journal open(JournalHooks hooks) throws IOException {
        journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)),
                Clock.systemUTC(),
                JournalFiles.SYSTEM,
                hooks);
        return journal;
    }

    private static List<Event> events(String id) {
        return List.of(new Event(id, ("{\"id\":\"" + id + "\"}\n").getBytes(StandardCharsets.UTF_8)));
    }

    private void awaitResume() {
        try {
            resume.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anAppendWrittenButNotSyncedWhenTheJournalClosesIsRefusedNotAcknowledged() throws Exception {
        CountDownLatch syncing = new CountDownLatch(1);
        // The writer is held between writing the entry and syncing it, so close() stops waiting for it.
        Journal closing = open(JournalHooks.NONE
                .withBeforeSync(() -> {
                    syncing.countDown();
                    awaitResume();
                })
                .withCloseWaitMillis(1));
        CompletableFuture<Long> append = closing.append("events", events("e-0"), null);
        assertThat(syncing.await(10, TimeUnit.SECONDS)).isTrue();

        closing.close();
        journal = null;
        resume.countDown();

        assertThatThrownBy(() -> append.get(10, TimeUnit.SECONDS))
                .as("the journal's files were closed and its lock given up before the entry was synced")
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(JournalClosedException.class);
    }

    @Test
    void anAppendThatFoundTheJournalOpenButQueuesAfterItClosedIsAnsweredRatherThanLeftWaiting() throws Exception {
        CountDownLatch checked = new CountDownLatch(1);
        Journal closing = open(JournalHooks.NONE.withBeforeQueue(() -> {
            checked.countDown();
            awaitResume();
        }));
        CompletableFuture<CompletableFuture<Long>> appending =
                CompletableFuture.supplyAsync(() -> closing.append("events", events("e-0"), null));
        assertThat(checked.await(10, TimeUnit.SECONDS)).isTrue();

        // The writer stops: nothing is queued, and the journal is closing.
        closing.close();
        journal = null;
        resume.countDown();

        CompletableFuture<Long> append = appending.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> append.get(10, TimeUnit.SECONDS))
                .as("answered with the journal's refusal (a 503), not left for the request to time out")
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(JournalClosedException.class);
        assertThat(closing.bytes()).as("its reservation is given back").isZero();
    }

    @Test
    void anAppendToAClosedJournalIsRefusedAsClosed() throws Exception {
        Journal closed = open();
        closed.close();
        journal = null;

        assertThatThrownBy(() -> closed.append("events", events("e-0"), null).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(JournalClosedException.class);
    }

    @Test
    void closingTwiceLeavesTheJournalClosedWithoutAnError() throws Exception {
        Journal closed = open();
        closed.close();
        journal = null;

        // The application context closes the journal at shutdown even when something closed it before.
        assertThatCode(closed::close).doesNotThrowAnyException();
    }
}
