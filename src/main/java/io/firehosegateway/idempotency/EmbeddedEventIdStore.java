package io.firehosegateway.idempotency;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.MVMap;

/**
 * The taken event ids in the {@link EmbeddedFile}, so a restart still knows them; the ids that
 * running requests hold are known in memory only, since a crash ends those requests. A kept id is
 * written to the file before {@link #keep} returns, so the answer that follows survives a kill.
 */
final class EmbeddedEventIdStore implements EventIdStore {

    /** Between a stream's name and an id: no stream's name holds it. */
    private static final char SEPARATOR = '\n';

    private final EmbeddedFile file;
    /** The ids running requests hold ({@code stream\nid}), with the end of their lease in ms. */
    private final Map<String, Long> held = new ConcurrentHashMap<>();

    private volatile Maps maps;

    /**
     * The ids taken ({@code stream\nid}) with their expiry in ms since the epoch, and the same in
     * the order they expire, for dropping them in order.
     */
    private record Maps(MVMap<String, Long> taken, MVMap<String, String> expiries) {}

    EmbeddedEventIdStore(EmbeddedFile file) {
        this.file = file;
    }

    @Override
    public List<IdState> claim(String stream, List<String> ids, Instant now, Instant leaseExpires) {
        Maps maps = maps();
        long nowMillis = now.toEpochMilli();
        Long lease = leaseExpires.toEpochMilli();
        List<IdState> states = new ArrayList<>(ids.size());
        List<String> claimed = new ArrayList<>();
        try {
            for (String id : ids) {
                String key = key(stream, id);
                if (!hold(key, lease, nowMillis)) {
                    states.add(IdState.HELD);
                    continue;
                }
                Long expires = maps.taken().get(key);
                if (expires != null && expires > nowMillis) {
                    held.remove(key, lease);
                    states.add(IdState.TAKEN);
                } else {
                    claimed.add(key);
                    states.add(IdState.CLAIMED);
                }
            }
        } catch (RuntimeException e) {
            claimed.forEach(held::remove);
            throw file.failed("read", e);
        }
        return states;
    }

    /** Holds {@code key} until {@code lease}, unless a lease that has not ended holds it. */
    private boolean hold(String key, Long lease, long now) {
        while (true) {
            Long prior = held.putIfAbsent(key, lease);
            if (prior == null) {
                return true;
            }
            if (prior > now) {
                return false;
            }
            if (held.replace(key, prior, lease)) {
                return true;
            }
        }
    }

    @Override
    public void keep(String stream, Collection<String> ids, Instant expires) {
        long expiresMillis = expires.toEpochMilli();
        List<String> keys = new ArrayList<>(ids.size());
        for (String id : ids) {
            keys.add(key(stream, id));
        }
        try {
            Maps maps = maps();
            for (String key : keys) {
                Long former = maps.taken().put(key, expiresMillis);
                if (former != null) {
                    maps.expiries().remove(EmbeddedFile.expiryKey(former, key));
                }
                maps.expiries().put(EmbeddedFile.expiryKey(expiresMillis, key), "");
            }
            file.write();
        } catch (IdempotencyStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw file.failed("write", e);
        } finally {
            // Only once the ids are in the file: until then a claim finds them held, not free.
            keys.forEach(held::remove);
        }
    }

    @Override
    public void release(String stream, Collection<String> ids) {
        for (String id : ids) {
            held.remove(key(stream, id));
        }
    }

    @Override
    public int dropExpired(Instant now, int max) {
        if (file.opened() == null) {
            return 0;
        }
        long nowMillis = now.toEpochMilli();
        Maps maps = maps();
        try {
            return EmbeddedFile.dropExpired(maps.expiries(), nowMillis, max, key -> {
                Long expires = maps.taken().get(key);
                // Taken again since: its newer expiry has an entry of its own.
                if (expires != null && expires <= nowMillis) {
                    maps.taken().remove(key, expires);
                }
            });
        } catch (RuntimeException e) {
            throw file.failed("drop expired event ids from", e);
        }
    }

    /** How many ids are taken, expired or not. */
    long size() {
        return file.opened() == null ? 0 : maps().taken().sizeAsLong();
    }

    @Override
    public void close() {
        file.close();
    }

    private Maps maps() {
        Maps opened = maps;
        if (opened == null) {
            opened = file.open(store -> new Maps(store.openMap("eventIds"), store.openMap("eventIdExpiries")));
            maps = opened;
        }
        return opened;
    }

    private static String key(String stream, String id) {
        return stream + SEPARATOR + id;
    }
}
