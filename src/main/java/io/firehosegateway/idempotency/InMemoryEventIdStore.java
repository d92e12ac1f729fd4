package io.firehosegateway.idempotency;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The event ids in memory: a stream's at most as many as it takes in one window and one sweep. A
 * restart forgets them.
 */
final class InMemoryEventIdStore implements EventIdStore {

    private final Map<String, Map<String, Entry>> streams = new ConcurrentHashMap<>();
    /** In the order they were taken, which is about the order they expire. */
    private final ConcurrentLinkedQueue<Expiry> expiries = new ConcurrentLinkedQueue<>();

    /** An id taken until {@code expires}, or held by a claim until then. */
    private record Entry(Instant expires, boolean held) {}

    private record Expiry(String stream, String id, Entry entry) {}

    @Override
    public List<IdState> claim(String stream, List<String> ids, Instant now, Instant leaseExpires) {
        Map<String, Entry> taken = ids(stream);
        List<IdState> states = new ArrayList<>(ids.size());
        Entry lease = new Entry(leaseExpires, true);
        for (String id : ids) {
            IdState[] state = {IdState.CLAIMED};
            taken.compute(id, (ignored, entry) -> {
                if (entry == null || !entry.expires().isAfter(now)) {
                    return lease;
                }
                state[0] = entry.held() ? IdState.HELD : IdState.TAKEN;
                return entry;
            });
            states.add(state[0]);
        }
        return states;
    }

    @Override
    public void keep(String stream, Collection<String> ids, Instant expires) {
        Map<String, Entry> taken = ids(stream);
        Entry entry = new Entry(expires, false);
        for (String id : ids) {
            taken.put(id, entry);
            expiries.add(new Expiry(stream, id, entry));
        }
    }

    @Override
    public void release(String stream, Collection<String> ids) {
        Map<String, Entry> taken = ids(stream);
        for (String id : ids) {
            taken.computeIfPresent(id, (ignored, entry) -> entry.held() ? null : entry);
        }
    }

    @Override
    public int dropExpired(Instant now, int max) {
        int dropped = 0;
        while (dropped < max) {
            Expiry head = expiries.peek();
            if (head == null || head.entry().expires().isAfter(now) || !expiries.remove(head)) {
                break;
            }
            ids(head.stream()).remove(head.id(), head.entry());
            dropped++;
        }
        return dropped;
    }

    @Override
    public void close() {}

    private Map<String, Entry> ids(String stream) {
        return streams.computeIfAbsent(stream, ignored -> new ConcurrentHashMap<>());
    }
}
