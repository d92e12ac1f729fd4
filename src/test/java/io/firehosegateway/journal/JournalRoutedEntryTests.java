package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * A request whose events go to two streams (valid ones to their stream, invalid ones routed to
 * another) is one journal entry: one checksum, one fsync, so a torn tail never keeps half of it.
 */
class JournalRoutedEntryTests {

    @TempDir
    Path directory;

    private Journal journal;

    @AfterEach
    void close() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }

    private Journal open() throws IOException {
        journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)), Clock.systemUTC());
        return journal;
    }

    private static List<Event> events(String prefix, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            events.add(new Event(id, ("{\"id\":\"" + id + "\"}\n").getBytes(StandardCharsets.UTF_8)));
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

    private static List<String> ids(List<Event> events) {
        return events.stream().map(Event::id).toList();
    }

    @Test
    void aRequestForTwoStreamsIsOneEntryWithBothPartsAfterARestart() throws Exception {
        open();
        List<JournalEntry.Part> parts = List.of(
                new JournalEntry.Part("events", events("valid", 3)),
                new JournalEntry.Part("events-invalid", events("bad", 1)));
        journal.appendParts(parts, null).get(5, TimeUnit.SECONDS);
        journal.close();
        open();

        List<JournalEntry> entries = drain();

        assertThat(entries).hasSize(1);
        JournalEntry entry = entries.get(0);
        assertThat(entry.parts()).extracting(JournalEntry.Part::stream).containsExactly("events", "events-invalid");
        assertThat(ids(entry.parts().get(0).events())).containsExactly("valid-0", "valid-1", "valid-2");
        assertThat(ids(entry.parts().get(1).events())).containsExactly("bad-0");
        assertThat(new String(entry.parts().get(1).events().get(0).framed(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"bad-0\"}\n");
    }

    @Test
    void entriesOfOneStreamKeepTheFormatEarlierVersionsWroteAndReadBesideRoutedOnes() throws Exception {
        open();
        journal.append("events", events("plain", 2), null).get(5, TimeUnit.SECONDS);
        journal.appendParts(
                        List.of(
                                new JournalEntry.Part("events", events("valid", 1)),
                                new JournalEntry.Part("events-invalid", events("bad", 1))),
                        null)
                .get(5, TimeUnit.SECONDS);
        journal.close();
        // The first entry's bytes are exactly what a gateway before routing wrote: its body starts
        // with the stream name's length, not the version marker.
        byte[] written = Files.readAllBytes(segments().get(0));
        int body = JournalCodec.HEADER + JournalCodec.PREFIX + JournalCodec.STAMP;
        assertThat(((written[body] & 0xFF) << 8) | (written[body + 1] & 0xFF)).isEqualTo("events".length());
        open();

        List<JournalEntry> entries = drain();

        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).parts()).hasSize(1);
        assertThat(entries.get(0).stream()).isEqualTo("events");
        assertThat(ids(entries.get(0).events())).containsExactly("plain-0", "plain-1");
        assertThat(entries.get(1).parts()).hasSize(2);
    }

    @Test
    void aTornRoutedEntryKeepsNeitherOfItsParts() throws Exception {
        open();
        journal.append("events", events("before", 1), null).get(5, TimeUnit.SECONDS);
        journal.appendParts(
                        List.of(
                                new JournalEntry.Part("events", events("valid", 50)),
                                new JournalEntry.Part("events-invalid", events("bad", 50))),
                        null)
                .get(5, TimeUnit.SECONDS);
        journal.close();
        Path segment = segments().get(0);
        long size = Files.size(segment);
        // Cut inside the second part, well after the whole first part was written.
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(size - 200);
        }
        open();

        List<JournalEntry> entries = drain();

        assertThat(entries).hasSize(1);
        assertThat(ids(entries.get(0).events())).containsExactly("before-0");
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(Segment.SUFFIX))
                    .sorted()
                    .toList();
        }
    }
}
