package io.firehosegateway.sink.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileSinkTests {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    /** 18:05:07 UTC, 03:05:07 the next day in Tokyo: the layout must use UTC, as Firehose does. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T18:05:07.123Z"), ZoneId.of("Asia/Tokyo"));

    @TempDir
    Path directory;

    private LocalFileSink sink;

    @AfterEach
    void closeSink() {
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void writesUnderAHiddenPartNameThenRenamesToFirehosesLayoutHoldingEveryRecord() throws Exception {
        sink = new LocalFileSink(new LocalSinkProperties(directory, Duration.ofHours(1)), CLOCK);

        BatchResult first = sink.putRecords(route("orders"), records("{\"id\":\"1\"}\n", "{\"id\":\"2\"}\n"))
                .get();
        BatchResult second =
                sink.putRecords(route("orders"), records("{\"id\":\"3\"}\n")).get();

        assertThat(first.outcomes()).hasSize(2).allMatch(RecordOutcome::accepted);
        assertThat(second.outcomes()).hasSize(1).allMatch(RecordOutcome::accepted);
        Path hour = directory.resolve("orders/2026/11/25/18");
        assertThat(names(hour))
                .singleElement()
                .asString()
                .matches("\\.orders-1-2026-11-25-18-05-07-" + UUID + "\\.part");

        sink.close();

        assertThat(names(hour)).singleElement().asString().matches("orders-1-2026-11-25-18-05-07-" + UUID);
        assertThat(files(directory))
                .singleElement()
                .satisfies(
                        file -> assertThat(read(file)).isEqualTo("{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"3\"}\n"));
    }

    @Test
    void recordsReportedDeliveredAreInTheFileAlreadySoAKilledProcessKeepsThem() throws Exception {
        sink = new LocalFileSink(new LocalSinkProperties(directory, Duration.ofHours(1)), CLOCK);

        BatchResult result = sink.putRecords(route("events"), records("{\"id\":\"1\"}\n", "{\"id\":\"2\"}\n"))
                .get();

        // Still open under its hidden name, as when the process is killed: the bytes must be written
        // to the file (the operating system's), not held in the process, once the call says delivered.
        assertThat(result.outcomes()).allMatch(RecordOutcome::accepted);
        assertThat(files(directory))
                .singleElement()
                .satisfies(part -> assertThat(part.getFileName().toString()).endsWith(".part"))
                .satisfies(part -> assertThat(read(part)).isEqualTo("{\"id\":\"1\"}\n{\"id\":\"2\"}\n"));
    }

    @Test
    void fileAppearsWithinARollIntervalHoldingTheRecordsInOrder() {
        sink = new LocalFileSink(new LocalSinkProperties(directory, Duration.ofMillis(200)), CLOCK);

        sink.putRecords(
                route("events"),
                records("{\"id\":\"1\"}\n", "{\"id\":\"2\",\"t\":\"caf\u00e9\"}\n", "{\"id\":\"3\"}\n"));

        Path file = await().atMost(Duration.ofSeconds(5)).until(() -> visibleFile(directory), f -> f != null);
        assertThat(directory.relativize(file).toString().replace('\\', '/'))
                .matches("events/2026/11/25/18/events-1-2026-11-25-18-05-07-" + UUID);
        assertThat(read(file)).isEqualTo("{\"id\":\"1\"}\n{\"id\":\"2\",\"t\":\"caf\u00e9\"}\n{\"id\":\"3\"}\n");
        assertThat(files(directory)).containsExactly(file);
    }

    @Test
    void startsANewFileAfterTheRollAndKeepsStreamsApart() {
        sink = new LocalFileSink(new LocalSinkProperties(directory, Duration.ofMillis(100)), CLOCK);

        sink.putRecords(route("a"), records("{\"id\":\"a1\"}\n"));
        sink.putRecords(route("b"), records("{\"id\":\"b1\"}\n"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> visibleFiles(directory).size() == 2);
        sink.putRecords(route("a"), records("{\"id\":\"a2\"}\n"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> visibleFiles(directory).size() == 3);

        List<String> a = new ArrayList<>();
        for (Path file : files(directory.resolve("a"))) {
            a.add(read(file));
        }
        assertThat(a).containsExactlyInAnyOrder("{\"id\":\"a1\"}\n", "{\"id\":\"a2\"}\n");
        assertThat(files(directory)).hasSize(3);
        assertThat(files(directory.resolve("b")))
                .singleElement()
                .satisfies(file -> assertThat(read(file)).isEqualTo("{\"id\":\"b1\"}\n"));
    }

    private static StreamRoutes.Route route(String stream) {
        return new StreamRoutes.Route(stream, stream, SinkKind.LOCAL);
    }

    private static List<SinkRecord> records(String... records) {
        List<SinkRecord> sinkRecords = new ArrayList<>();
        for (String record : records) {
            sinkRecords.add(SinkRecord.of(record.getBytes(UTF_8), "id"));
        }
        return sinkRecords;
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(path -> path.getFileName().toString()).toList();
        }
    }

    /** Every file, hidden or not, below {@code root}. */
    private static List<Path> files(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> visibleFiles(Path root) {
        return files(root).stream()
                .filter(path -> !path.getFileName().toString().startsWith("."))
                .toList();
    }

    private static Path visibleFile(Path root) {
        List<Path> visible = visibleFiles(root);
        return visible.isEmpty() ? null : visible.get(0);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
