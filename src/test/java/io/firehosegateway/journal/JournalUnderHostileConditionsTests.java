package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * The journal on an operator's bad day: a directory shared by mistake, files damaged or added by
 * hand, limits close to each other, a request larger than the journal, a disk that fills up and
 * file handles that run out.
 */
class JournalUnderHostileConditionsTests {

    @TempDir
    Path directory;

    private final List<Journal> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (Journal journal : opened) {
            journal.close();
        }
    }

    private Journal open(DataSize maxSize, DataSize segmentSize) throws IOException {
        return open(maxSize, segmentSize, Clock.systemUTC());
    }

    private Journal open(DataSize maxSize, DataSize segmentSize, Clock clock) throws IOException {
        Journal journal = Journal.open(new JournalProperties(directory, maxSize, segmentSize), clock);
        opened.add(journal);
        return journal;
    }

    private void close(Journal journal) throws IOException {
        opened.remove(journal);
        journal.close();
    }

    private static List<Event> events(String prefix, int count, int padding) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            events.add(new Event(
                    id,
                    ("{\"id\":\"" + id + "\",\"pad\":\"" + "x".repeat(padding) + "\"}\n")
                            .getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    private static List<JournalEntry> drain(Journal journal) throws InterruptedException {
        List<JournalEntry> entries = new ArrayList<>();
        for (JournalEntry entry = journal.poll(200); entry != null; entry = journal.poll(200)) {
            entries.add(entry);
        }
        return entries;
    }

    private static void deliverAll(Journal journal) throws InterruptedException {
        for (JournalEntry entry : drain(journal)) {
            journal.acknowledge(entry.sequence());
        }
    }

    private static List<String> ids(List<JournalEntry> entries) {
        return entries.stream().flatMap(e -> e.events().stream()).map(Event::id).toList();
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    // Finding 1: two gateways on one journal directory.

    @Test
    void aSecondJournalOnTheSameDirectoryRefusesToOpenAndNamesTheDirectory() throws Exception {
        Journal first = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(4));
        first.append("events", events("first", 3, 100), null).get(5, TimeUnit.SECONDS);

        assertThatThrownBy(() -> open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(4)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(directory.toString())
                .hasMessageContaining("in use by another gateway");

        // The first one's segments are untouched by the refused second: it goes on writing and reading.
        first.append("events", events("later", 2, 100), null).get(5, TimeUnit.SECONDS);
        assertThat(ids(drain(first))).containsExactly("first-0", "first-1", "first-2", "later-0", "later-1");
    }

    @Test
    void theDirectoryIsFreeAgainOnceTheJournalIsClosed() throws Exception {
        Journal first = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(4));
        first.append("events", events("kept", 1, 10), null).get(5, TimeUnit.SECONDS);
        close(first);

        Journal second = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(4));

        assertThat(ids(drain(second))).containsExactly("kept-0");
    }

    // Finding 6: delivery records are checked.

    @Test
    void deliveryRecordsThatDoNotCheckOutCountAsNotDelivered() throws Exception {
        Journal journal = open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));
        for (int i = 0; i < 3; i++) {
            journal.append("events", events("a" + i, 2, 10), null).get(5, TimeUnit.SECONDS);
        }
        List<JournalEntry> entries = drain(journal);
        journal.acknowledge(entries.get(1).sequence());
        close(journal);
        Path acks = segmentFiles()
                .get(0)
                .resolveSibling(segmentFiles().get(0).getFileName().toString().replace(".seg", ".ack"));
        // Zeros appended, as a torn page or a tool would leave them: sequence 0 must not count as delivered.
        Files.write(acks, new byte[16], StandardOpenOption.APPEND);

        Journal reopened = open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));

        assertThat(ids(drain(reopened))).containsExactly("a0-0", "a0-1", "a2-0", "a2-1");
    }

    // Finding 5: damage inside a sealed segment is not a torn tail.

    @Test
    void aFlippedBitInASealedSegmentLosesOnlyTheDamagedEntryAndKeepsTheSegmentWhole() throws Exception {
        Journal journal = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(4));
        for (int i = 0; i < 20; i++) {
            journal.append("events", events("b" + i, 2, 200), null).get(5, TimeUnit.SECONDS);
        }
        close(journal);
        List<Path> segments = segmentFiles();
        assertThat(segments).hasSizeGreaterThan(2);
        Path sealed = segments.get(0);
        long size = Files.size(sealed);
        // One bit in the events of an entry in the middle of the sealed segment.
        try (FileChannel channel = FileChannel.open(sealed, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, size / 2);
            one.put(0, (byte) (one.get(0) ^ 0x10));
            channel.write(one.flip(), size / 2);
        }

        Journal reopened = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(4));
        List<JournalEntry> entries = drain(reopened);

        List<String> delivered = ids(entries);
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (int e = 0; e < 2; e++) {
                if (!delivered.contains("b" + i + "-" + e)) {
                    lost.add("b" + i + "-" + e);
                }
            }
        }
        // Only the two events of the damaged entry: every intact entry after it is delivered.
        assertThat(lost).hasSize(2);
        assertThat(lost.get(0)).isNotIn("b0-0", "b0-1");
        assertThat(Files.size(sealed)).as("the damaged segment is kept whole").isEqualTo(size);
        assertThat(reopened.damagedSegments()).isEqualTo(1); // since the fix
        assertThat(reopened.lostEntries()).isEqualTo(1); // since the fix

        for (JournalEntry entry : entries) {
            reopened.acknowledge(entry.sequence());
        }
        Path aside = directory.resolve("damaged").resolve(sealed.getFileName());
        assertThat(aside).as("set aside for inspection once delivered").exists();
        assertThat(Files.size(aside)).isEqualTo(size);
    }

    @Test
    void aSealedSegmentCutAtAnEntryBoundaryIsNoticed() throws Exception {
        Journal journal = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(4));
        List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sequences.add(
                    journal.append("events", events("c" + i, 1, 200), null).get(5, TimeUnit.SECONDS));
        }
        close(journal);
        Path sealed = segmentFiles().get(0);
        Path next = segmentFiles().get(1);
        long firstOfNext = Long.parseLong(next.getFileName().toString().replace(".seg", ""));
        // Cut the sealed segment right after its second entry, as a tool or a bad copy would.
        long secondEnd = endOfEntries(sealed, 2);
        try (FileChannel channel = FileChannel.open(sealed, StandardOpenOption.WRITE)) {
            channel.truncate(secondEnd);
        }

        Journal reopened = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(4));
        List<JournalEntry> entries = drain(reopened);

        assertThat(entries).hasSize(20 - (int) (firstOfNext - 2));
        assertThat(reopened.lostEntries()).isEqualTo(firstOfNext - 2); // since the fix
        for (JournalEntry entry : entries) {
            reopened.acknowledge(entry.sequence());
        }
        assertThat(directory.resolve("damaged").resolve(sealed.getFileName()))
                .as("a cut segment is set aside, not deleted as delivered")
                .exists();
    }

    /** Where the {@code count}-th entry of a segment ends: entries follow a header, each with its length first. */
    private static long endOfEntries(Path segment, int count) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(segment));
        long position = data.getInt(0) == JournalCodec.HEADER_MAGIC ? JournalCodec.HEADER : 0;
        for (int i = 0; i < count; i++) {
            position += JournalCodec.PREFIX + data.getInt((int) position);
        }
        return position;
    }

    @Test
    void acknowledgedEntriesAcrossManySegmentsDoNotComeBackAfterARestartInAnyOrder() throws Exception {
        Journal journal = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(2));
        for (int i = 0; i < 200; i++) {
            journal.append("events", events("k" + i, 1, 200), null).get(5, TimeUnit.SECONDS);
        }
        List<JournalEntry> entries = new ArrayList<>(drain(journal));
        java.util.Collections.shuffle(entries, new java.util.Random(11));
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (i % 20 == 0) {
                kept.add(entries.get(i).events().get(0).id());
            } else {
                journal.acknowledge(entries.get(i).sequence());
            }
        }
        close(journal);

        Journal reopened = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(2));

        assertThat(ids(drain(reopened))).containsExactlyInAnyOrderElementsOf(kept);
    }

    // Finding 7: stray files, file handles, a truthful 503.

    @Test
    void aStrayFileIsNamedWithWhatToDo() throws Exception {
        Files.writeString(directory.resolve("backup.seg"), "not a segment");

        assertThatThrownBy(() -> open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backup.seg")
                .hasMessageContaining("Move it out of the journal directory");
    }

    @Test
    void aCopyOfASegmentUnderAnotherNumberIsRefusedRatherThanDeliveredTwice() throws Exception {
        Journal journal = open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1));
        journal.append("events", events("d", 3, 10), null).get(5, TimeUnit.SECONDS);
        close(journal);
        Path segment = segmentFiles().get(0);
        Path copy = directory.resolve("00000000000000000500.seg");
        Files.copy(segment, copy);

        assertThatThrownBy(() -> open(DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(copy.getFileName().toString())
                .hasMessageContaining("move it out of the journal directory");
    }

    @Test
    void aBacklogOfSegmentsHoldsOnlyAFewFileHandles() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        assumeThat(Files.isDirectory(fds))
                .as("/proc/self/fd lists this process's file handles")
                .isTrue();
        Journal journal = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(1));
        for (int i = 0; i < 200; i++) {
            journal.append("events", events("h" + i, 1, 1000), null).get(5, TimeUnit.SECONDS);
        }
        assertThat(segmentFiles()).hasSizeGreaterThan(150);

        assertThat(handlesInto(fds)).isLessThanOrEqualTo(4);

        // Reading and delivering the backlog does not open one per segment either.
        for (int i = 0; i < 100; i++) {
            JournalEntry entry = journal.poll(1000);
            journal.acknowledge(entry.sequence());
        }
        assertThat(handlesInto(fds)).isLessThanOrEqualTo(4);
    }

    private long handlesInto(Path fds) throws IOException {
        long count = 0;
        try (Stream<Path> links = Files.list(fds)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    if (Files.readSymbolicLink(link).startsWith(directory)) {
                        count++;
                    }
                } catch (IOException e) {
                    // Closed between listing and reading: not held.
                }
            }
        }
        return count;
    }

    @Test
    void whenTheNextSegmentCannotBeCreatedOnlyTheEntriesNotOnDiskAreRefused() throws Exception {
        GatedClock clock = new GatedClock();
        Journal journal = open(DataSize.ofMegabytes(64), DataSize.ofKilobytes(1), clock);
        CountDownLatch writing = clock.holdNextCall();
        CompletableFuture<Long> first = journal.append("events", events("e0", 1, 600), null);
        writing.await(5, TimeUnit.SECONDS);
        // While the writer is held inside the first write, two more queue up: one write takes both.
        CompletableFuture<Long> synced = journal.append("events", events("e1", 1, 600), null);
        CompletableFuture<Long> refused = journal.append("events", events("e2", 1, 600), null);
        // The second fills the segment; the third needs a new one, which cannot be created.
        Path blocker = Files.createDirectory(directory.resolve(String.format("%020d.seg", 2)));
        clock.release();

        assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(synced.get(5, TimeUnit.SECONDS))
                .as("on disk in a sealed segment, so it will be delivered: not a 503")
                .isEqualTo(1);
        assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(ids(drain(journal))).containsExactly("e0-0", "e1-0");

        Files.delete(blocker);
        assertThat(journal.append("events", events("e3", 1, 10), null).get(5, TimeUnit.SECONDS))
                .as("no gap where the refused entry was")
                .isEqualTo(2);
        assertThat(ids(drain(journal))).containsExactly("e3-0");
    }

    /** A clock whose next reading can be held until released, to hold the journal's writer mid-write. */
    private static final class GatedClock extends Clock {
        private volatile CountDownLatch entered;
        private final CountDownLatch released = new CountDownLatch(1);

        CountDownLatch holdNextCall() {
            entered = new CountDownLatch(1);
            return entered;
        }

        void release() {
            released.countDown();
        }

        @Override
        public long millis() {
            CountDownLatch hold = entered;
            if (hold != null && hold.getCount() > 0) {
                hold.countDown();
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    // Finding 3: max-size close to segment-size.

    @Test
    void aMaxSizeBelowTheSegmentSizeKeepsTakingRequestsWhileTheyAreDelivered() throws Exception {
        Journal journal = open(DataSize.ofMegabytes(1), DataSize.ofMegabytes(16));

        for (int i = 0; i < 1500; i++) {
            long sequence =
                    journal.append("events", events("f" + i, 1, 1000), null).get(5, TimeUnit.SECONDS);
            JournalEntry entry = journal.poll(1000);
            assertThat(entry.sequence()).isEqualTo(sequence);
            journal.acknowledge(sequence);
        }

        assertThat(journal.bytes()).isLessThan(DataSize.ofMegabytes(1).toBytes());
    }

    @Test
    void oneLargeRequestDeliveredDoesNotKeepTheJournalFull() throws Exception {
        Journal journal = open(DataSize.ofMegabytes(8), DataSize.ofMegabytes(16));

        for (int i = 0; i < 3; i++) {
            long sequence = journal.append("events", events("g" + i, 5, 1_000_000), null)
                    .get(5, TimeUnit.SECONDS);
            journal.acknowledge(journal.poll(1000).sequence());
            assertThat(sequence).isEqualTo(i);
        }
    }

    @Test
    void aJournalTooSmallToHoldARequestIsRefusedAtStart() {
        assertThatThrownBy(() -> open(DataSize.ofKilobytes(4), DataSize.ofKilobytes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.journal.max-size");
    }

    // Finding 4: a request larger than the whole journal.

    @Test
    void anEntryLargerThanTheWholeJournalIsRefusedForGoodNotAsFull() throws Exception {
        Journal journal = open(DataSize.ofKilobytes(64), DataSize.ofKilobytes(16));

        assertThatThrownBy(() -> journal.append("events", events("big", 100, 1000), null))
                .isNotInstanceOf(JournalFullException.class)
                .hasMessageContaining("more than the journal's whole size");
        // One that fits is still taken.
        assertThat(journal.append("events", events("small", 10, 1000), null).get(5, TimeUnit.SECONDS))
                .isZero();
    }

    // Finding 2: deleting delivered segments does not depend on writing to the disk.

    @Test
    void deliveredSegmentsAreDeletedEvenWhenTheirDeliveryCannotBeRecorded() throws Exception {
        Journal journal = open(DataSize.ofKilobytes(64), DataSize.ofKilobytes(4));
        assertThatThrownBy(() -> {
                    for (int i = 0; ; i++) {
                        journal.append("events", events("full" + i, 2, 200), null)
                                .get(5, TimeUnit.SECONDS);
                    }
                })
                .isInstanceOf(JournalFullException.class);
        // No delivery record can be written: where each would go is a directory.
        for (Path segment : segmentFiles()) {
            Files.createDirectory(
                    segment.resolveSibling(segment.getFileName().toString().replace(".seg", ".ack")));
        }

        deliverAll(journal);

        assertThat(segmentFiles()).hasSizeLessThanOrEqualTo(1);
        assertThat(journal.bytes()).isLessThan(DataSize.ofKilobytes(16).toBytes());
        assertThat(journal.append("events", events("after", 2, 200), null).get(5, TimeUnit.SECONDS))
                .isNotNull();
    }
}
