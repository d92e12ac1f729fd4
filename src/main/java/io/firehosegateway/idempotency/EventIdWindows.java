package io.firehosegateway.idempotency;

import io.firehosegateway.idempotency.EventIdStore.IdState;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.RetryableProblemException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids each deduplicating stream took within its window ({@code deduplicate-window}). A
 * request's ids are claimed in the {@link EventIdStore} before its events are handed on, so two
 * requests carrying one id never both send it; they are kept once the events were taken (journaled,
 * buffered, or delivered), and released when they were not, so a retry sends them.
 */
public final class EventIdWindows {

    private static final Logger log = LoggerFactory.getLogger(EventIdWindows.class);

    private static final long RETRY_AFTER_PENDING_SECONDS = 1;

    /**
     * How long a request may hold its ids: longer than any request runs, so a running request never
     * loses them, and short enough that the ids of a gateway that crashed holding them are free again
     * soon after it.
     */
    static final Duration LEASE = Duration.ofMinutes(5);

    private final Map<String, Duration> windows = new HashMap<>();
    private final EventIdStore store;
    private final GatewayMetrics metrics;
    private final Clock clock;

    EventIdWindows(Map<String, Duration> windows, EventIdStore store, GatewayMetrics metrics, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        windows.forEach((stream, window) -> {
            if (!window.isZero() && !window.isNegative()) {
                this.windows.put(stream, window);
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
     *     yet fail, so this one can neither send the event again nor call it taken; 503 when the store
     *     cannot answer
     */
    public Taken take(String stream, String key, List<String> ids) {
        Duration window = windows.get(stream);
        // The index each distinct id first comes at.
        Map<String, Integer> first = new LinkedHashMap<>();
        for (int index = 0; index < ids.size(); index++) {
            first.putIfAbsent(ids.get(index), index);
        }
        List<String> distinct = new ArrayList<>(first.keySet());
        List<IdState> states;
        try {
            states = store.claim(
                    stream, distinct, clock.instant(), clock.instant().plus(LEASE));
        } catch (IdempotencyStoreException e) {
            throw IdempotencyKeys.unavailable(e);
        }
        Set<String> held = new LinkedHashSet<>();
        Set<String> taken = new LinkedHashSet<>();
        String inUse = null;
        for (int i = 0; i < distinct.size(); i++) {
            switch (states.get(i)) {
                case CLAIMED -> held.add(distinct.get(i));
                case TAKEN -> taken.add(distinct.get(i));
                case HELD -> inUse = inUse == null ? distinct.get(i) : inUse;
            }
        }
        if (inUse != null) {
            release(stream, held);
            int index = first.get(inUse);
            throw new RetryableProblemException(
                            ProblemType.EVENT_ID_IN_USE,
                            "Stream " + stream + " deduplicates event ids, and a request still running carries"
                                    + " the id of event " + index + "; nothing of this request was taken",
                            RETRY_AFTER_PENDING_SECONDS)
                    .with("index", index)
                    .with("id", inUse);
        }
        List<Integer> duplicates = new ArrayList<>();
        for (int index = 0; index < ids.size(); index++) {
            String id = ids.get(index);
            if (first.get(id) != index || taken.contains(id)) {
                duplicates.add(index);
            }
        }
        if (!duplicates.isEmpty()) {
            metrics.duplicateEvents(stream, key, duplicates.size());
        }
        return new Taken(stream, window, ids, duplicates, held);
    }

    /**
     * Releases ids, and only logs when the store fails: the request's answer is already decided, and
     * the ids stay held until their lease ends (a retry gets 409 until then, never a duplicate).
     */
    private void release(String stream, Collection<String> held) {
        if (held.isEmpty()) {
            return;
        }
        try {
            store.release(stream, held);
        } catch (IdempotencyStoreException e) {
            log.warn(
                    "Could not release {} event ids of stream {}; they are free when their lease ends",
                    held.size(),
                    stream,
                    e);
        }
    }

    /** The ids one request took on a stream. */
    public final class Taken {

        private final String stream;
        private final Duration window;
        private final List<String> ids;
        private final List<Integer> duplicates;
        private final Set<String> held;

        private Taken(String stream, Duration window, List<String> ids, List<Integer> duplicates, Set<String> held) {
            this.stream = stream;
            this.window = window;
            this.ids = ids;
            this.duplicates = List.copyOf(duplicates);
            this.held = held;
        }

        /** The indexes of the request's events that are duplicates, in order: not to be sent. */
        public List<Integer> duplicates() {
            return duplicates;
        }

        /**
         * Remembers the ids of {@code indexes} (of the request's events) as taken now. When the store
         * fails, the events are taken all the same, so the answer stays theirs: the failure is logged,
         * and the ids released with the others, so a retry may send those events again.
         */
        public void taken(Collection<Integer> indexes) {
            List<String> kept = new ArrayList<>(indexes.size());
            for (int index : indexes) {
                String id = ids.get(index);
                if (held.remove(id)) {
                    kept.add(id);
                }
            }
            if (kept.isEmpty()) {
                return;
            }
            try {
                store.keep(stream, kept, clock.instant().plus(window));
            } catch (IdempotencyStoreException e) {
                log.warn(
                        "Could not keep {} event ids of stream {}; a retry may send their events again",
                        kept.size(),
                        stream,
                        e);
                held.addAll(kept);
            }
        }

        /** Lets go the ids that were not {@link #taken}: a retry sends their events. */
        public void release() {
            try {
                EventIdWindows.this.release(stream, held);
            } finally {
                held.clear();
            }
        }
    }
}
