package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan of one segment file at start, alone: it reports what it finds and changes nothing. */
class SegmentScanTests {

    @TempDir
    Path directory;

    private Path segmentOf(long base, int entries, byte[] tail) throws IOException {
        Segment segment = Segment.create(directory, base, -1, JournalFiles.SYSTEM);
        segment.close();
        try (FileChannel channel =
                FileChannel.open(segment.path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int i = 0; i < entries; i++) {
                byte[] body = JournalCodec.encodeBody(
                        "events", List.of(new Event("e-" + i, "{}\n".getBytes(StandardCharsets.UTF_8))));
                channel.write(JournalCodec.encodeEntry(base + i, 1_000L + i, body));
            }
            channel.write(ByteBuffer.wrap(tail));
        }
        return segment.path;
    }

    @Test
    void findsEveryEntryOfAWholeSegmentAndItsHeader() throws IOException {
        Path file = segmentOf(100, 3, new byte[0]);

        SegmentScan scan = SegmentScan.of(file, 100);

        assertThat(scan.headerBase).isEqualTo(100);
        assertThat(scan.entries).extracting(entry -> entry[0]).containsExactly(100L, 101L, 102L);
        assertThat(scan.faults).isEmpty();
        assertThat(scan.nextSequence()).isEqualTo(103);
    }

    @Test
    void reportsATornTailAfterTheEntriesThatCheckOutWithoutCuttingIt() throws IOException {
        Path file = segmentOf(0, 2, new byte[] {0, 0, 0, 40, 1, 2});
        long size = file.toFile().length();

        SegmentScan scan = SegmentScan.of(file, 0);

        assertThat(scan.entries).hasSize(2);
        assertThat(scan.faultKinds).containsExactly("a torn entry header");
        assertThat(scan.faults.get(0)[0])
                .isEqualTo(scan.entries.get(1)[2] + scan.entries.get(1)[3]);
        assertThat(file.toFile().length()).as("a scan only reads").isEqualTo(size);
    }
}
