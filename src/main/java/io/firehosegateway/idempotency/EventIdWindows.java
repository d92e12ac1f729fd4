package io.firehosegateway.idempotency;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.RetryableProblemException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * The ids each deduplicating stream took within its window ({@code deduplicate-window}). A
 * request's ids are taken before its events are handed on, so two requests carrying one id never
 * both send it; they are remembered once the events were taken (journaled, buffered, or delivered),
 * and let go when they were not, so a retry sends them.
 *
 * <p>The ids live in memory, a stream's at most as many as it takes in a window: a restart forgets
 * them.
 */
public final class EventIdWindows {

    /** The value of an id a running request holds: it is neither taken nor free. */
    private static final long PENDING = Long.MAX_VALUE;

    private static final long RETRY_AFTER_PENDING_SECONDS = 1;

    /** Expired ids dropped per request at most, so no request pays for a long backlog. */
    private static final int DROPPED_PER_TAKE = 64;

    private final Map<String, Window> windows = new HashMap<>();
    private final GatewayMetrics metrics;

    EventIdWindows(Map<String, Duration> windows, GatewayMetrics metrics, LongSupplier nanoTime) {
        this.metrics = metrics;
        windows.forEach((stream, window) -> {
            if (!window.isZero() && !window.isNegative()) {
                this.windows.put(stream, new Window(window.toNanos(), nanoTime));
            }
        });
    }

    /** Whether {@code stream} deduplicates its events' ids. */
    public boolean deduplicates(String stream) {
        return windows.containsKey(stream);
    }

    /**
     * Takes the ids of a request's events on {@code stream}: those the stream took within its window
     * already, or that came earlier in the same request, are the duplicates.
     *
     * @param key the API key's name, for the count of duplicates
     * @throws RetryableProblemException 409 when a request still running holds one of the ids: it may
     *     yet fail, so this one can neither send the event again nor call it taken
     */
    public Taken take(String stream, String key, List<String> ids) {
        Window window = windows.get(stream);
        window.dropExpired();
        long now = window.nanoTime.getAsLong();
        List<Integer> duplicates = new ArrayList<>();
        List<String> held = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int index = 0; index < ids.size(); index++) {
            String id = ids.get(index);
            if (!seen.add(id)) {
                duplicates.add(index);
                continue;
            }
            boolean[] won = {false};
            long value = window.ids.compute(id, (ignored, taken) -> {
                if (taken == null || (taken != PENDING && taken <= now)) {
                    won[0] = true;
                    return PENDING;
                }
                return taken;
            });
            if (won[0]) {
                held.add(id);
            } else if (value == PENDING) {
                window.release(held);
                throw new RetryableProblemException(
                                ProblemType.EVENT_ID_IN_USE,
                                "Stream " + stream + " deduplicates event ids, and a request still running carries"
                                        + " the id of event " + index + "; nothing of this request was taken",
                                RETRY_AFTER_PENDING_SECONDS)
                        .with("index", index)
                        .with("id", id);
            } else {
                duplicates.add(index);
            }
        }
        if (!duplicates.isEmpty()) {
            metrics.duplicateEvents(stream, key, duplicates.size());
        }
        return new Taken(window, ids, duplicates, held);
    }

    /** The ids one request took on a stream. */
    public static final class Taken {

        private final Window window;
        private final List<String> ids;
        private final List<Integer> duplicates;
        private final List<String> held;

        private Taken(Window window, List<String> ids, List<Integer> duplicates, List<String> held) {
            this.window = window;
            this.ids = ids;
            this.duplicates = List.copyOf(duplicates);
            this.held = held;
        }

        /** The indexes of the request's events that are duplicates, in order: not to be sent. */
        public List<Integer> duplicates() {
            return duplicates;
        }

        /** Remembers the ids of {@code indexes} (of the request's events) as taken now. */
        public void taken(Collection<Integer> indexes) {
            long expires = window.nanoTime.getAsLong() + window.nanos;
            for (int index : indexes) {
                String id = ids.get(index);
                if (held.remove(id)) {
                    window.ids.put(id, expires);
                    window.expiries.add(new Expiry(expires, id));
                }
            }
        }

        /** Lets go the ids that were not {@link #taken}: a retry sends their events. */
        public void release() {
            window.release(held);
            held.clear();
        }
    }

    private record Expiry(long at, String id) {}

    /** One stream's ids: taken until their expiry, or held by a running request. */
    private static final class Window {

        final long nanos;
        final LongSupplier nanoTime;
        final Map<String, Long> ids = new ConcurrentHashMap<>();
        /** In the order they were taken, which is the order they expire, the window being one length. */
        final ConcurrentLinkedQueue<Expiry> expiries = new ConcurrentLinkedQueue<>();

        Window(long nanos, LongSupplier nanoTime) {
            this.nanos = nanos;
            this.nanoTime = nanoTime;
        }

        void dropExpired() {
            long now = nanoTime.getAsLong();
            for (int i = 0; i < DROPPED_PER_TAKE; i++) {
                Expiry head = expiries.peek();
                if (head == null || head.at() > now || !expiries.remove(head)) {
                    return;
                }
                ids.remove(head.id(), head.at());
            }
        }

        void release(List<String> held) {
            for (String id : held) {
                ids.remove(id, PENDING);
            }
        }
    }
}
