package io.firehosegateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry's file keys equal to the keys file. The file is read again every interval and
 * its keys replace the old ones when its content changed. Reading the content, rather than watching
 * for events or comparing modification times, also sees a Kubernetes secret's update, which swaps a
 * symbolic link to a new directory and leaves the old file untouched. A file that cannot be read or
 * parsed is reported once and the keys in use stay.
 */
final class ApiKeysFileWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiKeysFileWatcher.class);

    private final Path file;
    private final ApiKeyRegistry registry;
    private final ScheduledExecutorService scheduler;
    /** The digest of the content last tried, loaded or not: the same bad file is reported once. */
    private byte[] lastSeen;

    /**
     * Loads the file, then watches it.
     *
     * @throws IllegalStateException when the file cannot be read or parsed at start
     */
    ApiKeysFileWatcher(Path file, Duration interval, ApiKeyRegistry registry) {
        this.file = file;
        this.registry = registry;
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the API keys file " + file + ": " + e, e);
        }
        try {
            load(content);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The API keys file " + file + " is invalid: " + e.getMessage(), e);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "api-keys-file");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Reads the file and applies it if it changed; never throws, so the schedule goes on. */
    synchronized void check() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            if (lastSeen != null) {
                log.error("Cannot read the API keys file {} ({}); the keys in use stay: {}", file, e, registry.names());
                lastSeen = null;
            }
            return;
        }
        if (Arrays.equals(digest(content), lastSeen)) {
            return;
        }
        try {
            load(content);
            log.info("Reloaded the API keys file {}; keys in use: {}", file, registry.names());
        } catch (IllegalArgumentException e) {
            log.error(
                    "The API keys file {} is invalid ({}); the keys in use stay: {}",
                    file,
                    e.getMessage(),
                    registry.names());
        } catch (RuntimeException e) {
            log.error("Could not apply the API keys file {}; the keys in use stay", file, e);
        }
    }

    private void load(byte[] content) {
        lastSeen = digest(content);
        registry.replaceFileKeys(ApiKeysFileFormat.parse(new String(content, StandardCharsets.UTF_8)));
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
