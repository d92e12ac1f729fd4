package io.firehosegateway.api;

import io.firehosegateway.event.Event;
import io.firehosegateway.idempotency.EventIdWindows;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.DeliveryReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of one request to a stream that deduplicates event ids: those whose id the stream took
 * within its window are answered as accepted and not sent; the others are sent, and their ids
 * remembered once the mode's promise is kept for them.
 */
final class Deduplicated {

    private final EventIdWindows.Taken taken;
    private final List<Event> events;
    /** The request's index of each event sent, in the order sent. */
    private final List<Integer> sentIndexes = new ArrayList<>();

    private final List<Event> sent = new ArrayList<>();

    private Deduplicated(EventIdWindows.Taken taken, List<Event> events) {
        this.taken = taken;
        this.events = events;
        List<Integer> duplicates = taken.duplicates();
        for (int index = 0, next = 0; index < events.size(); index++) {
            if (next < duplicates.size() && duplicates.get(next) == index) {
                next++;
            } else {
                sentIndexes.add(index);
                sent.add(events.get(index));
            }
        }
    }

    /** The request's events on {@code stream}, their ids taken; {@code null} when it does not deduplicate. */
    static Deduplicated take(EventIdWindows windows, String stream, String key, List<Event> events) {
        if (!windows.deduplicates(stream)) {
            return null;
        }
        List<String> ids = new ArrayList<>(events.size());
        for (Event event : events) {
            ids.add(event.id());
        }
        return new Deduplicated(windows.take(stream, key, ids), events);
    }

    /** Gives back the duplicates' room in the buffer: they are not handed on. */
    void giveBack(Admission admission) {
        long bytes = 0;
        for (int index : taken.duplicates()) {
            bytes += events.get(index).size();
        }
        admission.giveBack(taken.duplicates().size(), bytes);
    }

    /** The events to send: all but the duplicates. */
    List<Event> sent() {
        return sent;
    }

    /** What the mode answers for a request whose events were all duplicates: nothing to wait for. */
    static DeliveryReport nothingSent(DeliveryMode mode) {
        return mode == DeliveryMode.CONFIRMED ? new DeliveryReport(List.of(), List.of(), List.of(), null) : null;
    }

    /**
     * Remembers the ids of the events the mode's promise was kept for (all of them in the 202 modes,
     * whose {@code report} is {@code null}; the delivered ones in confirmed mode), and gives the
     * report with the request's indexes.
     */
    DeliveryReport settle(DeliveryReport report) {
        if (report == null) {
            taken.taken(sentIndexes);
            return null;
        }
        DeliveryReport request = new DeliveryReport(
                indexes(report.delivered()),
                indexes(report.failed()),
                indexes(report.unknown()),
                report.failureReason());
        taken.taken(request.delivered());
        return request;
    }

    /** Lets go the ids of the events not settled: a retry sends them. */
    void release() {
        taken.release();
    }

    /** The duplicates' {@code index} and {@code id}, for the answer; {@code null} when there are none. */
    List<Map<String, Object>> duplicates() {
        if (taken.duplicates().isEmpty()) {
            return null;
        }
        List<Map<String, Object>> refs = new ArrayList<>();
        for (int index : taken.duplicates()) {
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("index", index);
            ref.put("id", events.get(index).id());
            refs.add(ref);
        }
        return refs;
    }

    private List<Integer> indexes(List<Integer> ofSent) {
        List<Integer> indexes = new ArrayList<>(ofSent.size());
        for (int index : ofSent) {
            indexes.add(sentIndexes.get(index));
        }
        return indexes;
    }
}
