package io.firehosegateway.sink.local;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to files laid out as Firehose lays out S3 objects:
 * {@code <directory>/<stream>/YYYY/MM/DD/HH/<stream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>}. A file is written
 * under a hidden {@code .part} name and renamed when it closes, at the latest one roll interval
 * after it opened, so a reader only ever sees whole files.
 */
public final class LocalFileSink implements Sink, AutoCloseable {

    /**
     * Firehose's limits and billing, though files have none: the local sink stands in for Firehose
     * in development, so an event it takes is one Firehose would take, and packing shows the same
     * savings in {@code gateway.sink.billed-units}.
     */
    public static final SinkLimits LIMITS =
            new SinkLimits(500, 4 * 1024 * 1024, SinkLimits.Encoding.BASE64, 12, 1024, 1000 * 1024, 500, 5 * 1024);

    private static final Logger log = LoggerFactory.getLogger(LocalFileSink.class);
    private static final DateTimeFormatter HOUR_PATH = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH");
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss");

    private final Path directory;
    private final long rollMillis;
    private final Clock clock;
    private final Map<String, OpenFile> open = new HashMap<>();
    private final ScheduledExecutorService roller;

    public LocalFileSink(LocalSinkProperties properties, Clock clock) {
        this.directory = properties.directory().toAbsolutePath().normalize();
        this.rollMillis = properties.rollInterval().toMillis();
        this.clock = clock;
        this.roller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "local-sink-roller");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(50, rollMillis / 4);
        roller.scheduleAtFixedRate(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
        log.info("Local sink: writing events as files under {}", directory);
    }

    @Override
    public SinkKind kind() {
        return SinkKind.LOCAL;
    }

    @Override
    public SinkLimits limits() {
        return LIMITS;
    }

    @Override
    public synchronized CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records) {
        String stream = route.destination();
        try {
            OpenFile file = open.get(stream);
            if (file == null) {
                file = OpenFile.create(directory, stream, ZonedDateTime.now(clock.withZone(ZoneOffset.UTC)));
                open.put(stream, file);
            }
            for (SinkRecord record : records) {
                file.out.write(record.data());
            }
            // Delivered means in the file: held in this process, a kill would lose records the
            // journal was told were delivered. One write per call; the buffer still joins its records.
            file.out.flush();
            return CompletableFuture.completedFuture(BatchResult.allAccepted(records.size()));
        } catch (IOException e) {
            // A full or read-only disk: the records did not land, and may once space frees.
            return CompletableFuture.failedFuture(
                    new SinkException(FailureKind.RETRYABLE, "IOException", e.getMessage(), e));
        }
    }

    private synchronized void closeExpired() {
        long now = System.currentTimeMillis();
        open.values().removeIf(file -> {
            if (now - file.openedMillis < rollMillis) {
                return false;
            }
            try {
                file.close();
            } catch (IOException e) {
                // A failure must not end the roller: later files would never close.
                log.error("Could not close {}; its records stay under the hidden name", file.part, e);
            }
            return true;
        });
    }

    @Override
    public synchronized void close() {
        roller.shutdownNow();
        open.values().forEach(LocalFileSink::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(OpenFile file) {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not close " + file.part, e);
        }
    }

    /** A file being written under its hidden name. */
    private static final class OpenFile {
        final Path part;
        final Path target;
        final OutputStream out;
        final long openedMillis = System.currentTimeMillis();

        private OpenFile(Path part, Path target, OutputStream out) {
            this.part = part;
            this.target = target;
            this.out = out;
        }

        static OpenFile create(Path directory, String stream, ZonedDateTime now) throws IOException {
            Path folder = directory.resolve(stream).resolve(HOUR_PATH.format(now));
            Files.createDirectories(folder);
            String name = stream + "-1-" + FILE_TIME.format(now) + "-" + UUID.randomUUID();
            Path part = folder.resolve("." + name + ".part");
            return new OpenFile(
                    part,
                    folder.resolve(name),
                    new java.io.BufferedOutputStream(Files.newOutputStream(part), 64 * 1024));
        }

        void close() throws IOException {
            out.close();
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
