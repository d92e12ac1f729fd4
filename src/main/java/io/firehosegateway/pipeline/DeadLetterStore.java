package io.firehosegateway.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where events go that the destination rejected for good while no client waits to be told: one
 * NDJSON file per stream and day, each line the event with the reason, so an operator can see,
 * fix and resend them. Nothing is dropped silently.
 *
 * <pre>{"stream":"events","reason":"invalid","at":"2026-11-25T18:00:00Z","event":{…}}</pre>
 */
final class DeadLetterStore {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterStore.class);

    private final Path directory;
    private final Clock clock;

    DeadLetterStore(Path directory, Clock clock) {
        this.directory = directory.toAbsolutePath().normalize();
        this.clock = clock;
    }

    /**
     * Writes the events of one record (one or more framed events) and syncs them to disk.
     *
     * @return false when they could not be written (a full or read-only disk)
     */
    synchronized boolean write(String stream, byte[] record, FailureReason reason) {
        Path file = directory.resolve(stream).resolve(LocalDate.now(clock.withZone(ZoneOffset.UTC)) + ".ndjson");
        String prefix = "{\"stream\":\"" + stream + "\",\"reason\":\"" + reason.value() + "\",\"at\":\""
                + clock.instant() + "\",\"event\":";
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(
                    file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC)) {
                int start = 0;
                for (int i = 0; i < record.length; i++) {
                    if (record[i] == '\n') {
                        out.write(prefix.getBytes(StandardCharsets.UTF_8));
                        out.write(record, start, i - start);
                        out.write('}');
                        out.write('\n');
                        start = i + 1;
                    }
                }
            }
            log.warn("Stream {}: events given up for good ({}); written to {}", stream, reason.value(), file);
            return true;
        } catch (IOException e) {
            // Journaled events stay in the journal (JournalFeeder); buffered ones have nowhere else.
            log.error(
                    "Stream {}: could not write events given up for good ({}) to {}; journaled ones stay in"
                            + " the journal for the next start, buffered ones are lost",
                    stream,
                    reason.value(),
                    file,
                    e);
            return false;
        }
    }
}
