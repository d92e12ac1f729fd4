package io.firehosegateway.idempotency;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The kept answers in one file of H2's MVStore: a B-tree on disk with a bounded page cache, so the
 * memory it takes does not grow with the number of keys. Running requests are known in memory only:
 * a crash ends them, and their keys run again after it. A kept answer is written to the file before
 * it is given (a kill loses none), and synced by MVStore's own background commit.
 *
 * <p>The file is opened at the first request with a key, so a gateway whose clients send none never
 * takes it.
 */
final class EmbeddedIdempotencyStore implements IdempotencyStore {

    static final String FILE_NAME = "idempotency.mv.db";

    /** Pages of the B-tree kept in memory, in MB: MVStore's bound on what it holds of the file. */
    private static final int CACHE_MB = 16;

    private static final byte FORMAT = 1;

    /**
     * How long MVStore keeps a replaced chunk before it may reuse its space (45 s by default). Each
     * kept answer commits a chunk, so under load the default lets the file grow by every chunk of
     * the last 45 s (4 GB after 100,000 answers, measured); a shorter time lets the space be reused
     * once the OS has had time to write the chunks, which a kill does not undo.
     */
    private static final int RETENTION_MILLIS = 1_000;

    private final Path directory;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Object commitLock = new Object();

    private volatile Maps maps;

    /** The answers by key, and the same keys in the order they expire, for dropping them in order. */
    private record Maps(MVStore store, MVMap<String, byte[]> answers, MVMap<String, String> expiries) {}

    EmbeddedIdempotencyStore(Path directory) {
        this.directory = directory;
    }

    @Override
    public Claimed claim(String key, Instant now) {
        Maps maps = maps();
        if (!running.add(key)) {
            return new Running();
        }
        try {
            byte[] value = maps.answers().get(key);
            if (value != null) {
                Kept kept = decode(value);
                if (kept.expires().isAfter(now)) {
                    running.remove(key);
                    return new Found(kept);
                }
            }
            return new Granted();
        } catch (RuntimeException e) {
            running.remove(key);
            throw failed("read", e);
        }
    }

    @Override
    public void keep(String key, Kept kept) {
        try {
            Maps maps = maps();
            byte[] former = maps.answers().put(key, encode(kept));
            if (former != null) {
                maps.expiries().remove(expiryKey(decode(former).expires(), key));
            }
            maps.expiries().put(expiryKey(kept.expires(), key), "");
            write(maps.store());
        } catch (IdempotencyStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failed("write", e);
        } finally {
            running.remove(key);
        }
    }

    @Override
    public void release(String key) {
        running.remove(key);
    }

    @Override
    public long size() {
        Maps maps = this.maps;
        return maps == null ? 0 : maps.answers().sizeAsLong();
    }

    @Override
    public int dropExpired(Instant now, int max) {
        Maps maps = this.maps;
        if (maps == null) {
            return 0;
        }
        String before = expiryKey(now, "");
        int dropped = 0;
        try {
            Iterator<String> keys = maps.expiries().keyIterator(null);
            while (dropped < max && keys.hasNext()) {
                String expiry = keys.next();
                if (expiry.compareTo(before) >= 0) {
                    break;
                }
                String key = expiry.substring(EXPIRY_DIGITS);
                // A running request may be about to keep a new answer under the key: leave it be.
                if (running.add(key)) {
                    try {
                        maps.answers().remove(key);
                    } finally {
                        running.remove(key);
                    }
                }
                maps.expiries().remove(expiry);
                dropped++;
            }
        } catch (RuntimeException e) {
            throw failed("drop expired keys from", e);
        }
        return dropped;
    }

    @Override
    public synchronized void close() {
        if (maps != null) {
            maps.store().close();
        }
    }

    private Maps maps() {
        Maps opened = maps;
        if (opened != null) {
            return opened;
        }
        synchronized (this) {
            if (maps == null) {
                try {
                    Files.createDirectories(directory);
                    MVStore store = new MVStore.Builder()
                            .fileName(directory.resolve(FILE_NAME).toString())
                            .cacheSize(CACHE_MB)
                            .open();
                    store.setRetentionTime(RETENTION_MILLIS);
                    maps = new Maps(store, store.openMap("answers"), store.openMap("expiries"));
                } catch (IOException | RuntimeException e) {
                    throw failed("open", e);
                }
            }
            return maps;
        }
    }

    /**
     * Writes what the maps hold now to the file, unless a commit since did: concurrent requests share
     * one commit.
     */
    private void write(MVStore store) {
        synchronized (commitLock) {
            if (store.hasUnsavedChanges()) {
                store.commit();
            }
        }
    }

    private IdempotencyStoreException failed(String what, Exception e) {
        return new IdempotencyStoreException(
                "Could not " + what + " the idempotency store " + directory.resolve(FILE_NAME), e);
    }

    private static final int EXPIRY_DIGITS = 16;

    /** The expiry as fixed-width hex, which sorts as the instants do, then the key. */
    private static String expiryKey(Instant expires, String key) {
        String millis = Long.toHexString(Math.max(0, expires.toEpochMilli()));
        return "0".repeat(EXPIRY_DIGITS - millis.length()) + millis + key;
    }

    static byte[] encode(Kept kept) {
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(64 + kept.answer().body().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(kept.expires().toEpochMilli());
            out.writeShort(kept.fingerprint().length);
            out.write(kept.fingerprint());
            KeptAnswer answer = kept.answer();
            out.writeShort(answer.status());
            out.writeShort(answer.headers().size());
            for (Map.Entry<String, String> header : answer.headers().entrySet()) {
                out.writeUTF(header.getKey());
                out.writeUTF(header.getValue());
            }
            out.writeInt(answer.body().length);
            out.write(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Kept decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            if (in.readByte() != FORMAT) {
                throw new IllegalStateException("An answer of an unknown format");
            }
            Instant expires = Instant.ofEpochMilli(in.readLong());
            byte[] fingerprint = in.readNBytes(in.readUnsignedShort());
            int status = in.readUnsignedShort();
            int count = in.readUnsignedShort();
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                headers.put(in.readUTF(), in.readUTF());
            }
            byte[] body = in.readNBytes(in.readInt());
            return new Kept(fingerprint, expires, new KeptAnswer(status, headers, body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
