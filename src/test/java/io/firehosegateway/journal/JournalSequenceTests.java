package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** Sequence numbers are never given out twice, whatever fails on the way and across restarts. */
class JournalSequenceTests {

    @TempDir
    Path directory;

    private Journal journal;

    @AfterEach
    void closeAll() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }

    private Journal open(JournalFiles files) throws IOException {
        journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)),
                Clock.systemUTC(),
                files);
        return journal;
    }

    private static List<Event> events(String id) {
        return List.of(new Event(id, ("{\"id\":\"" + id + "\"}\n").getBytes(StandardCharsets.UTF_8)));
    }

    private List<JournalEntry> drain() throws InterruptedException {
        List<JournalEntry> entries = new ArrayList<>();
        for (JournalEntry entry = journal.poll(200); entry != null; entry = journal.poll(200)) {
            entries.add(entry);
        }
        return entries;
    }

    private static List<String> ids(List<JournalEntry> entries) {
        return entries.stream().flatMap(e -> e.events().stream()).map(Event::id).toList();
    }

    @Test
    void aRefusedEntryWhoseBytesCouldNotBeCutOffKeepsItsSequenceAndIsNotDeliveredAfterARestart() throws Exception {
        FaultyFiles disk = new FaultyFiles();
        open(disk);
        assertThat(journal.append("events", events("a"), null).get(10, TimeUnit.SECONDS))
                .isZero();

        // The sync fails, and so does cutting the unsynced entry off: its bytes stay in the segment.
        disk.failSync = true;
        disk.failTruncate = true;
        CompletableFuture<Long> refused = journal.append("events", events("b"), null);
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        disk.failSync = false;
        disk.failTruncate = false;

        assertThat(journal.append("events", events("c"), null).get(10, TimeUnit.SECONDS))
                .as("sequence 1 went to the refused entry, whose bytes may be on disk: it is not given out again")
                .isEqualTo(2);
        assertThat(ids(drain())).containsExactly("a", "c");

        journal.close();
        open(JournalFiles.SYSTEM);
        assertThat(ids(drain()))
                .as("after a restart, the refused entry is not delivered and nothing acknowledged is skipped")
                .containsExactly("a", "c");
        assertThat(journal.damagedSegments()).isZero();
        assertThat(journal.append("events", events("d"), null).get(10, TimeUnit.SECONDS))
                .as("nor is any sequence given out before the restart")
                .isEqualTo(3);
    }

    @Test
    void aRefusedEntryWhoseBytesWereCutOffGivesItsSequenceBackSoSegmentsHaveNoGaps() throws Exception {
        FaultyFiles disk = new FaultyFiles();
        open(disk);
        journal.append("events", events("a"), null).get(10, TimeUnit.SECONDS);

        disk.failSync = true;
        CompletableFuture<Long> refused = journal.append("events", events("b"), null);
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        disk.failSync = false;

        assertThat(journal.append("events", events("c"), null).get(10, TimeUnit.SECONDS))
                .as("nothing of the refused entry is on disk: its sequence is free")
                .isEqualTo(1);
        journal.close();
        open(JournalFiles.SYSTEM);
        assertThat(ids(drain())).containsExactly("a", "c");
        assertThat(journal.damagedSegments()).isZero();
    }

    @Test
    void aNewSegmentWhoseNameCouldNotBeSyncedIsRemovedSoTheNextWriteCanCreateIt() throws Exception {
        FaultyFiles disk = new FaultyFiles();
        journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(64), DataSize.ofKilobytes(1)),
                Clock.systemUTC(),
                disk);
        // Two entries fill the first segment; the third needs the next one.
        journal.append("events", padded("a"), null).get(10, TimeUnit.SECONDS);
        journal.append("events", padded("b"), null).get(10, TimeUnit.SECONDS);
        disk.failDirectorySync = true;
        CompletableFuture<Long> refused = journal.append("events", padded("c"), null);
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        disk.failDirectorySync = false;

        assertThat(journal.append("events", padded("d"), null).get(10, TimeUnit.SECONDS))
                .as("the journal writes again once the directory can be synced, in a segment after the others")
                .isEqualTo(2);
        assertThat(ids(drain())).containsExactly("a", "b", "d");
    }

    private static List<Event> padded(String id) {
        return List.of(new Event(
                id,
                ("{\"id\":\"" + id + "\",\"pad\":\"" + "x".repeat(600) + "\"}\n").getBytes(StandardCharsets.UTF_8)));
    }
}
