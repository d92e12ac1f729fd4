package io.firehosegateway.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry's file keys equal to the keys file. The file is read again every interval and
 * its keys replace the old ones when its content changed. Reading the content, rather than watching
 * for events or comparing modification times, also sees a Kubernetes secret's update, which swaps a
 * symbolic link to a new directory and leaves the old file untouched.
 *
 * <p>A version it refuses leaves the keys in use as they are, is logged once, and marks the file
 * stale in health until a version is applied: one that cannot be read, is over {@link
 * #MAX_FILE_BYTES}, is invalid, or holds no keys while the file's keys are in use (an empty or
 * truncated secret would otherwise revoke every key at once). Nothing a check meets, an {@link Error}
 * included, escapes it: an escaped throwable would cancel the schedule without a word, and a revoked
 * key would go on working.
 */
final class ApiKeysFileWatcher implements AutoCloseable {

    /** The largest keys file read: thousands of keys, and far from what memory or an array holds. */
    static final int MAX_FILE_BYTES = 1024 * 1024;

    /** A check missing for this many intervals (and at least {@link #MIN_OVERDUE}) means it stopped. */
    private static final int OVERDUE_INTERVALS = 3;

    private static final Duration MIN_OVERDUE = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(ApiKeysFileWatcher.class);

    /**
     * What health shows of the file. Never its path or content.
     *
     * @param loadedAt when the version in use was applied
     * @param keys how many keys the version in use holds
     * @param checkedAt when the file was last checked
     * @param problem why the version on disk is not the one in use, or {@code null} when it is
     * @param staleSince since when the keys in use are not the file's, or {@code null}
     */
    record Status(Instant loadedAt, int keys, Instant checkedAt, String problem, Instant staleSince) {

        boolean stale() {
            return problem != null;
        }
    }

    private final Path file;
    private final ApiKeyRegistry registry;
    private final Clock clock;
    private final Duration overdue;
    private final ScheduledExecutorService scheduler;
    /** The digest of the content last tried, applied or not: the same refused version is reported once. */
    private byte[] lastSeen;

    private volatile Status status;

    /**
     * Loads the file, then watches it.
     *
     * @throws IllegalStateException when the file cannot be read or parsed at start
     */
    ApiKeysFileWatcher(Path file, Duration interval, ApiKeyRegistry registry) {
        this(file, interval, registry, Clock.systemUTC());
    }

    ApiKeysFileWatcher(Path file, Duration interval, ApiKeyRegistry registry, Clock clock) {
        this.file = file;
        this.registry = registry;
        this.clock = clock;
        Duration intervals = interval.multipliedBy(OVERDUE_INTERVALS);
        this.overdue = intervals.compareTo(MIN_OVERDUE) > 0 ? intervals : MIN_OVERDUE;
        byte[] content;
        try {
            content = read();
        } catch (IOException e) {
            throw new IllegalStateException("The API keys file " + file + " " + describe(e), e);
        }
        List<ApiKeysFileFormat.Line> lines;
        try {
            lines = ApiKeysFileFormat.parse(new String(content, StandardCharsets.UTF_8));
            registry.replaceFileKeys(lines);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The API keys file " + file + " is invalid: " + e.getMessage(), e);
        }
        lastSeen = digest(content);
        Instant now = clock.instant();
        status = new Status(now, lines.size(), now, null, null);
        if (lines.isEmpty()) {
            log.warn(
                    "The API keys file {} holds no keys: only keys of the configuration are accepted until"
                            + " it does",
                    file);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "api-keys-file");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::checkSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The file's state for health; a watcher whose checks stopped shows as stale too. */
    Status status() {
        Status current = status;
        Instant now = clock.instant();
        if (current.problem() == null && current.checkedAt().plus(overdue).isBefore(now)) {
            return new Status(
                    current.loadedAt(),
                    current.keys(),
                    current.checkedAt(),
                    "not checked for "
                            + Duration.between(current.checkedAt(), now).toSeconds() + " s",
                    current.checkedAt());
        }
        return current;
    }

    /** The scheduled task: a throwable escaping it would cancel every later check. */
    private void checkSafely() {
        try {
            check();
        } catch (Throwable e) {
            // Errors too: an OutOfMemoryError here is about this check, and the next one may well pass.
            synchronized (this) {
                lastSeen = null;
                stale("could not be checked (" + e.getClass().getSimpleName() + ")");
            }
            log.error("Could not check the API keys file {}; the keys in use stay: {}", file, registry.names(), e);
        }
    }

    /** Reads the file and applies it if it changed. */
    synchronized void check() {
        byte[] content;
        try {
            content = read();
        } catch (IOException e) {
            // Read again once it can be, whether or not it changed in between.
            lastSeen = null;
            String problem = e instanceof FileTooLargeException
                    ? e.getMessage()
                    : "cannot be read (" + e.getClass().getSimpleName() + ")";
            if (stale(problem)) {
                log.error("The API keys file {} {}; the keys in use stay: {}", file, describe(e), registry.names());
            }
            return;
        }
        byte[] digest = digest(content);
        if (Arrays.equals(digest, lastSeen)) {
            status = withCheckedAt(status, clock.instant());
            return;
        }
        lastSeen = digest;
        List<ApiKeysFileFormat.Line> lines;
        try {
            lines = ApiKeysFileFormat.parse(new String(content, StandardCharsets.UTF_8));
            if (lines.isEmpty() && status.keys() > 0) {
                stale("holds no keys; refused, the keys in use stay");
                log.error(
                        "The API keys file {} holds no keys. It is refused, since an empty or truncated file"
                                + " would revoke every key at once; the keys in use stay: {}. To revoke every"
                                + " key of the file, start the gateway with it empty",
                        file,
                        registry.names());
                return;
            }
            registry.replaceFileKeys(lines);
        } catch (IllegalArgumentException e) {
            stale("is invalid (" + e.getMessage() + ")");
            log.error(
                    "The API keys file {} is invalid ({}); the keys in use stay: {}",
                    file,
                    e.getMessage(),
                    registry.names());
            return;
        }
        Instant now = clock.instant();
        status = new Status(now, lines.size(), now, null, null);
        log.info("Reloaded the API keys file {}; keys in use: {}", file, registry.names());
    }

    /**
     * Marks the file stale for this reason.
     *
     * @return whether the reason is new, and so worth a log line
     */
    private boolean stale(String problem) {
        Status current = status;
        Instant now = clock.instant();
        status = new Status(
                current.loadedAt(),
                current.keys(),
                now,
                problem,
                current.staleSince() != null ? current.staleSince() : now);
        return !problem.equals(current.problem());
    }

    private static Status withCheckedAt(Status status, Instant now) {
        return new Status(status.loadedAt(), status.keys(), now, status.problem(), status.staleSince());
    }

    /** The file's content, at most {@link #MAX_FILE_BYTES}, however large it is or grows while read. */
    private byte[] read() throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new FileTooLargeException(size);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes(MAX_FILE_BYTES + 1);
            if (content.length > MAX_FILE_BYTES) {
                throw new FileTooLargeException(content.length);
            }
            return content;
        }
    }

    private static String describe(IOException e) {
        return e instanceof FileTooLargeException ? e.getMessage() : "cannot be read (" + e + ")";
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

    /** A keys file over the bound: refused before it is read. */
    private static final class FileTooLargeException extends IOException {

        FileTooLargeException(long size) {
            super("is larger than " + MAX_FILE_BYTES + " bytes (at least " + size + " bytes); refused unread");
        }
    }
}
