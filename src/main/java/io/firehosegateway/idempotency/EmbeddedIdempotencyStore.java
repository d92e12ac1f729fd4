package io.firehosegateway.idempotency;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.MVMap;

/**
 * The kept answers in the {@link EmbeddedFile}. Running requests are known in memory only: a crash
 * ends them, and their keys run again after it. A kept answer is written to the file before it is
 * given (a kill loses none), and synced by MVStore's own background commit.
 */
final class EmbeddedIdempotencyStore implements IdempotencyStore {

    private static final byte FORMAT = 1;

    private final EmbeddedFile file;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    private volatile Maps maps;

    /** The answers by key, and the same keys in the order they expire, for dropping them in order. */
    private record Maps(MVMap<String, byte[]> answers, MVMap<String, String> expiries) {}

    EmbeddedIdempotencyStore(EmbeddedFile file) {
        this.file = file;
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
            throw file.failed("read", e);
        }
    }

    @Override
    public void keep(String key, Kept kept) {
        try {
            Maps maps = maps();
            byte[] former = maps.answers().put(key, encode(kept));
            if (former != null) {
                maps.expiries()
                        .remove(EmbeddedFile.expiryKey(decode(former).expires().toEpochMilli(), key));
            }
            maps.expiries().put(EmbeddedFile.expiryKey(kept.expires().toEpochMilli(), key), "");
            file.write();
        } catch (IdempotencyStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw file.failed("write", e);
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
        if (file.opened() == null) {
            return 0;
        }
        // Answers kept before a restart are in the file, and expire whether keys come or not.
        Maps maps = maps();
        try {
            return EmbeddedFile.dropExpired(maps.expiries(), now.toEpochMilli(), max, key -> {
                // A running request may be about to keep a new answer under the key: leave it be.
                if (running.add(key)) {
                    try {
                        maps.answers().remove(key);
                    } finally {
                        running.remove(key);
                    }
                }
            });
        } catch (RuntimeException e) {
            throw file.failed("drop expired keys from", e);
        }
    }

    @Override
    public void close() {
        file.close();
    }

    private Maps maps() {
        Maps opened = maps;
        if (opened == null) {
            opened = file.open(store -> new Maps(store.openMap("answers"), store.openMap("expiries")));
            maps = opened;
        }
        return opened;
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
