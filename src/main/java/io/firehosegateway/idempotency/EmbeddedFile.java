package io.firehosegateway.idempotency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The one file of H2's MVStore that the embedded stores share ({@code idempotency.mv.db}): a B-tree
 * on disk with a bounded page cache, so the memory it takes does not grow with what it holds. One
 * file, so a request that keeps both an answer and its events' ids writes them in one commit, and
 * the two stores share one cache bound.
 *
 * <p>The file is opened at first use, so a gateway whose clients send no key and whose streams
 * deduplicate nothing never takes it; one gateway owns it at a time.
 */
final class EmbeddedFile implements AutoCloseable {

    static final String FILE_NAME = "idempotency.mv.db";

    /** Pages of the B-tree kept in memory, in MB: MVStore's bound on what it holds of the file. */
    private static final int CACHE_MB = 16;

    /**
     * How long MVStore keeps a replaced chunk before it may reuse its space (45 s by default). Each
     * kept answer commits a chunk, so under load the default lets the file grow by every chunk of
     * the last 45 s (4 GB after 100,000 answers, measured); a shorter time lets the space be reused
     * once the OS has had time to write the chunks, which a kill does not undo.
     */
    private static final int RETENTION_MILLIS = 1_000;

    private final Path directory;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a writer waits for a commit. */
    private final Condition wanted = lock.newCondition();
    /** Signalled when a commit ended. */
    private final Condition written = lock.newCondition();
    /** The commits: the last a writer waits for, the last started, the last ended (all under lock). */
    private long requested;

    private long started;
    private long done;
    /** The first commit that failed, and why. */
    private long failedFrom = Long.MAX_VALUE;

    private RuntimeException failure;
    /** Set when the file closes: the committer makes the commits still wanted, then stops. */
    private boolean closing;

    private boolean stopped;
    private Thread committer;

    private volatile MVStore store;
    private boolean closed;

    EmbeddedFile(Path directory) {
        this.directory = directory;
    }

    /** The open store, opened now if it was not. */
    MVStore store() {
        MVStore opened = store;
        if (opened != null) {
            return opened;
        }
        synchronized (this) {
            if (closed) {
                throw failed("open", new IllegalStateException("The store is closed"));
            }
            if (store == null) {
                try {
                    Files.createDirectories(directory);
                    MVStore created = new MVStore.Builder()
                            .fileName(directory.resolve(FILE_NAME).toString())
                            .cacheSize(CACHE_MB)
                            .open();
                    created.setRetentionTime(RETENTION_MILLIS);
                    committer = new Thread(() -> commitLoop(created), "idempotency-commit");
                    committer.setDaemon(true);
                    committer.start();
                    store = created;
                } catch (IOException | RuntimeException e) {
                    throw failed("open", e);
                }
            }
            return store;
        }
    }

    /**
     * What a store reads and writes of the file, as {@code maps} opens it from the open file: MVStore
     * gives every caller the same maps, so two threads opening them at once is harmless.
     */
    <T> T open(Function<MVStore, T> maps) {
        MVStore opened = store();
        try {
            return maps.apply(opened);
        } catch (RuntimeException e) {
            throw failed("open", e);
        }
    }

    /** The store if it was opened, else {@code null}: for what has nothing to do on an unopened file. */
    MVStore opened() {
        return store;
    }

    /**
     * Returns once what the maps held when it was called is in the file: a kill loses none of it.
     * Writers wait for one commit that starts after they call, made by the committer thread for all
     * of them at once (a group commit): each commit writes every B-tree page changed since the last,
     * whole, so one commit per kept answer cost more CPU than the rest of a one-event request.
     */
    void write() {
        store();
        lock.lock();
        try {
            long mine = started + 1;
            if (requested < mine) {
                requested = mine;
                wanted.signal();
            }
            while (done < mine && !stopped) {
                written.awaitUninterruptibly();
            }
            if (done < mine) {
                throw failed("write", new IllegalStateException("The store is closed"));
            }
            if (mine >= failedFrom) {
                throw failed("write", failure);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The committer thread: a commit whenever a writer waits for one, covering all that wait. */
    private void commitLoop(MVStore opened) {
        while (true) {
            long commit;
            lock.lock();
            try {
                while (requested <= started && !closing) {
                    wanted.awaitUninterruptibly();
                }
                if (requested <= started) {
                    stopped = true;
                    written.signalAll();
                    return;
                }
                commit = ++started;
            } finally {
                lock.unlock();
            }
            RuntimeException failed = null;
            try {
                if (opened.hasUnsavedChanges()) {
                    opened.commit();
                }
            } catch (RuntimeException e) {
                failed = e;
            }
            lock.lock();
            try {
                done = commit;
                if (failed != null && failedFrom == Long.MAX_VALUE) {
                    // MVStore stops writing after a failed write: every commit after it fails too.
                    failedFrom = commit;
                    failure = failed;
                }
                written.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    IdempotencyStoreException failed(String what, Exception e) {
        return new IdempotencyStoreException(
                "Could not " + what + " the idempotency store " + directory.resolve(FILE_NAME), e);
    }

    /** Closes the file; the stores that share it close it each, so the second close does nothing. */
    @Override
    public synchronized void close() {
        closed = true;
        if (store == null) {
            return;
        }
        lock.lock();
        try {
            closing = true;
            wanted.signal();
        } finally {
            lock.unlock();
        }
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private static final int EXPIRY_DIGITS = 16;

    /**
     * A key of a map of expiries: the expiry as fixed-width hex, which sorts as the instants do, then
     * the key it is the expiry of.
     */
    static String expiryKey(long millis, String key) {
        String hex = Long.toHexString(Math.max(0, millis));
        return "0".repeat(EXPIRY_DIGITS - hex.length()) + hex + key;
    }

    /**
     * Drops from {@code expiries} (keys made by {@link #expiryKey}) at most {@code max} entries that
     * expired before {@code now}, earliest first, each after handing its key to {@code drop}; how
     * many it dropped.
     */
    static int dropExpired(MVMap<String, String> expiries, long now, int max, Consumer<String> drop) {
        String before = expiryKey(now, "");
        int dropped = 0;
        Iterator<String> keys = expiries.keyIterator(null);
        while (dropped < max && keys.hasNext()) {
            String expiry = keys.next();
            if (expiry.compareTo(before) >= 0) {
                break;
            }
            drop.accept(expiry.substring(EXPIRY_DIGITS));
            expiries.remove(expiry);
            dropped++;
        }
        return dropped;
    }
}
