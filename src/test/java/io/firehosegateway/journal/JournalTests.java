package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class JournalTests {

    @TempDir
    Path directory;

    private Journal journal;

    @AfterEach
    void close() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }

    private Journal open(DataSize maxSize, DataSize segmentSize) throws IOException {
        journal = Journal.open(new JournalProperties(directory, maxSize, segmentSize), Clock.systemUTC());
        return journal;
    }

    private Journal reopen() throws IOException {
        journal.close();
        return open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));
    }

    private static List<Event> events(String prefix, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            events.add(new Event(
                    id,
                    ("{\"id\":\"" + id + "\",\"pad\":\"" + "x".repeat(100) + "\"}\n")
                            .getBytes(StandardCharsets.UTF_8)));
        }
        return events;
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
    void entriesAreReadBackInOrderWithTheirEventsIntact() throws Exception {
        open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));
        List<Event> sent = events("a", 3);
        long sequence = journal.append("events", sent, "attached").get(5, TimeUnit.SECONDS);
        journal.append("other", events("b", 2), null).get(5, TimeUnit.SECONDS);

        List<JournalEntry> entries = drain();

        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).sequence()).isEqualTo(sequence);
        assertThat(entries.get(0).stream()).isEqualTo("events");
        assertThat(entries.get(0).attachment()).isEqualTo("attached");
        assertThat(entries.get(0).events()).extracting(Event::id).containsExactly("a-0", "a-1", "a-2");
        assertThat(entries.get(0).events().get(1).framed())
                .isEqualTo(sent.get(1).framed());
        assertThat(entries.get(1).stream()).isEqualTo("other");
    }

    @Test
    void idsLongerThanAShortCountRoundTrip() throws Exception {
        open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));
        String id = "i".repeat(70_000);
        journal.append("events", List.of(new Event(id, "{}\n".getBytes(StandardCharsets.UTF_8))), null)
                .get(5, TimeUnit.SECONDS);

        assertThat(ids(drain())).containsExactly(id);
    }

    @Test
    void concurrentAppendsShareFsyncs() throws Exception {
        open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(16));
        int appends = 400;
        ExecutorService threads = Executors.newFixedThreadPool(32);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Long>> durable = new ArrayList<>();
        for (int i = 0; i < appends; i++) {
            int n = i;
            durable.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            start.await();
                            return journal.append("events", events("c" + n, 1), null)
                                    .get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    threads));
        }
        start.countDown();
        CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        threads.shutdown();

        assertThat(durable).extracting(CompletableFuture::join).doesNotHaveDuplicates();
        assertThat(journal.syncs()).isLessThan(appends);
        assertThat(journal.pendingEntries()).isEqualTo(appends);
    }

    @Test
    void undeliveredEntriesComeBackAfterARestartAndDeliveredOnesDoNot() throws Exception {
        open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));
        for (int i = 0; i < 5; i++) {
            journal.append("events", events("r" + i, 2), null).get(5, TimeUnit.SECONDS);
        }
        List<JournalEntry> first = drain();
        journal.acknowledge(first.get(0).sequence());
        journal.acknowledge(first.get(3).sequence());

        reopen();
        List<JournalEntry> again = drain();

        assertThat(ids(again)).containsExactly("r1-0", "r1-1", "r2-0", "r2-1", "r4-0", "r4-1");
        assertThat(again).allSatisfy(entry -> assertThat(entry.attachment()).isNull());
        assertThat(journal.pendingEntries()).isEqualTo(3);
    }

    @Test
    void aTruncatedTailIsCutOffAndEveryEntryBeforeItRecovered() throws Exception {
        open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));
        for (int i = 0; i < 4; i++) {
            journal.append("events", events("t" + i, 3), null).get(5, TimeUnit.SECONDS);
        }
        journal.close();
        Path segment = onlySegment();
        long size = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            // A crash in the middle of the last entry: part of it reached the disk.
            channel.truncate(size - 50);
        }

        open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));

        assertThat(ids(drain()))
                .containsExactly("t0-0", "t0-1", "t0-2", "t1-0", "t1-1", "t1-2", "t2-0", "t2-1", "t2-2");
        assertThat(Files.size(segment)).isLessThan(size - 50);
    }

    @Test
    void aGarbledTailIsCutOffAndEveryEntryBeforeItRecovered() throws Exception {
        open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));
        for (int i = 0; i < 4; i++) {
            journal.append("events", events("g" + i, 2), null).get(5, TimeUnit.SECONDS);
        }
        journal.close();
        Path segment = onlySegment();
        long size = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            // Flip bytes inside the last entry's events: its length is fine, its checksum is not.
            channel.write(ByteBuffer.wrap("garbage!".getBytes(StandardCharsets.US_ASCII)), size - 40);
            // And garbage after it, as a torn page of zeros and noise would leave.
            channel.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 9, 1, 2, 3}), size);
        }

        open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));

        assertThat(ids(drain())).containsExactly("g0-0", "g0-1", "g1-0", "g1-1", "g2-0", "g2-1");
        // New appends after the cut are readable too: the log goes on from a clean end.
        journal.append("events", events("after", 1), null).get(5, TimeUnit.SECONDS);
        assertThat(ids(drain())).containsExactly("after-0");
    }

    @Test
    void deliveredSegmentsAreDeletedSoDiskUseStaysBounded() throws Exception {
        open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(4));
        for (int i = 0; i < 40; i++) {
            journal.append("events", events("s" + i, 5), null).get(5, TimeUnit.SECONDS);
        }
        long full = journal.bytes();
        assertThat(segmentFiles()).hasSizeGreaterThan(5);

        for (JournalEntry entry : drain()) {
            journal.acknowledge(entry.sequence());
        }

        // Only the active segment remains, and at most the entries written to it.
        assertThat(segmentFiles()).hasSizeLessThanOrEqualTo(2);
        assertThat(journal.bytes()).isLessThan(full / 5);
        assertThat(journal.pendingEntries()).isZero();
        assertThat(journal.oldestPendingMillis()).isEmpty();
    }

    @Test
    void aFullJournalRefusesAppendsUntilDeliveryFreesSpace() throws Exception {
        open(DataSize.ofKilobytes(16), DataSize.ofKilobytes(2));
        List<Long> written = new ArrayList<>();
        assertThatThrownBy(() -> {
                    while (true) {
                        written.add(
                                journal.append("events", events("f", 3), null).get(5, TimeUnit.SECONDS));
                    }
                })
                .isInstanceOf(JournalFullException.class);
        assertThat(journal.bytes()).isLessThanOrEqualTo(DataSize.ofKilobytes(16).toBytes());

        for (JournalEntry entry : drain()) {
            journal.acknowledge(entry.sequence());
        }

        assertThat(journal.append("events", events("later", 3), null).get(5, TimeUnit.SECONDS))
                .isPositive();
    }

    private Path onlySegment() throws IOException {
        List<Path> segments = segmentFiles().stream()
                .filter(p -> {
                    try {
                        return Files.size(p) > 0;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
        assertThat(segments).hasSize(1);
        return segments.get(0);
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }
}
