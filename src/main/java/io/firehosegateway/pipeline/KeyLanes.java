package io.firehosegateway.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order of a {@code per-key} stream: each partition key has a lane with at most one record
 * unresolved (in a call, or waiting to be sent again after a failure or an unknown outcome), and
 * the key's later events wait in the lane, in the order they were admitted, until it is resolved.
 * Since a service such as Kinesis goes on past a failed entry of a call, this is the only way a
 * retried record cannot land after a later one of its key.
 *
 * <p>With packing on, the events waiting in a lane share the key's next record (up to
 * {@code pack-bytes}), so a hot key ships a record's worth per round trip, not one event; a record
 * never holds events of two keys. A lane's waiting events may hold at most a set part of the
 * buffer, so one hot key cannot fill it for the others. Not thread-safe: its dispatcher guards it.
 */
final class KeyLanes {

    private final String stream;
    private final int packBytes;
    private final int maxEventsPerRecord;
    private final long maxWaitingEvents;
    private final long maxWaitingBytes;
    private final Duration retryAfter;
    private final Map<String, Lane> lanes = new HashMap<>();

    /**
     * One key's waiting events may hold as much of the buffer as one request may: a hot key backs up
     * into its own lane, and past this its clients are told to slow down, not the others.
     *
     * @param packBytes waiting events of a key share a record up to this size; 0 sends each alone
     * @param maxEventsPerRecord the most events the sink takes in one record
     * @param buffer the buffer's bound and request share, and the wait a refused client is told
     */
    KeyLanes(String stream, int packBytes, int maxEventsPerRecord, PipelineProperties.Buffer buffer) {
        this.stream = stream;
        this.packBytes = packBytes;
        this.maxEventsPerRecord = maxEventsPerRecord;
        this.maxWaitingEvents = BufferBudget.limitOf(buffer.maxRecords(), buffer.requestShare());
        this.maxWaitingBytes = BufferBudget.limitOf(buffer.maxBytes().toBytes(), buffer.requestShare());
        this.retryAfter = buffer.retryAfter();
    }

    /** Refuses the records when one of their keys has its share of the buffer waiting. */
    void refuseIfBackedUp(List<PendingRecord> records) {
        if (!fits(records)) {
            throw new PartitionKeyBacklogException(stream, maxWaitingEvents, retryAfter);
        }
    }

    /**
     * Whether the keys' lanes can take these new records without a key's waiting events growing
     * past its part of the buffer. A key with nothing waiting takes them whatever their number (a
     * request is within its own share anyway), so that a large one is delayed, never refused forever.
     */
    boolean fits(List<PendingRecord> records) {
        Map<String, long[]> waitingByKey = new HashMap<>();
        for (PendingRecord record : records) {
            long[] waiting = waitingByKey.get(record.key);
            if (waiting == null) {
                Lane lane = lanes.get(record.key);
                if (lane == null || lane.waitingEvents == 0) {
                    waitingByKey.put(record.key, new long[] {-1, -1});
                    continue;
                }
                waiting = new long[] {lane.waitingEvents, lane.waitingBytes};
                waitingByKey.put(record.key, waiting);
            }
            if (waiting[0] < 0) {
                continue;
            }
            waiting[0] += record.eventCount();
            waiting[1] += record.data.length;
            if (waiting[0] > maxWaitingEvents || waiting[1] > maxWaitingBytes) {
                return false;
            }
        }
        return true;
    }

    /**
     * A new record of one event: returned to be sent when its key has nothing unresolved (the key
     * now has), otherwise kept in the key's lane and {@code null} returned.
     */
    PendingRecord admit(PendingRecord record) {
        Lane lane = lanes.get(record.key);
        if (lane == null) {
            lanes.put(record.key, new Lane());
            return record;
        }
        lane.waiting.add(record);
        lane.waitingEvents += record.eventCount();
        lane.waitingBytes += record.data.length;
        return null;
    }

    /**
     * The key's unresolved record was delivered or given up on: returns the key's next record, its
     * waiting events packed into one when packing is on, or {@code null} when none waits (the lane
     * is closed).
     */
    PendingRecord resolved(PendingRecord record) {
        Lane lane = lanes.get(record.key);
        if (lane == null) {
            return null;
        }
        PendingRecord next = lane.waiting.poll();
        if (next == null) {
            lanes.remove(record.key);
            return null;
        }
        lane.taken(next);
        if (packBytes <= 0 || !packable(next)) {
            return next;
        }
        PendingRecord[] pack = null;
        int count = 1;
        int bytes = next.data.length;
        boolean waits = Deadlines.clientWaits(next.deadlineNanos);
        for (PendingRecord following = lane.waiting.peek();
                following != null
                        && packable(following)
                        && count < maxEventsPerRecord
                        && bytes + following.data.length <= packBytes
                        // A record shares one deadline: events nobody waits for never join awaited ones.
                        && Deadlines.clientWaits(following.deadlineNanos) == waits;
                following = lane.waiting.peek()) {
            if (pack == null) {
                pack = new PendingRecord[8];
                pack[0] = next;
            } else if (count == pack.length) {
                pack = Arrays.copyOf(pack, count * 2);
            }
            pack[count++] = lane.waiting.poll();
            lane.taken(following);
            bytes += following.data.length;
        }
        return pack == null ? next : PendingRecord.packed(pack, count, bytes);
    }

    /**
     * The key's unresolved record was unpacked into {@code singles}, to find the event a sink
     * rejected: the first becomes the unresolved record, the others wait first in the lane, each to
     * be sent alone. Returns the first.
     */
    PendingRecord unpacked(List<PendingRecord> singles) {
        Lane lane = lanes.computeIfAbsent(singles.get(0).key, key -> new Lane());
        for (int i = singles.size() - 1; i > 0; i--) {
            PendingRecord single = singles.get(i);
            lane.waiting.addFirst(single);
            lane.waitingEvents += single.eventCount();
            lane.waitingBytes += single.data.length;
        }
        return singles.get(0);
    }

    /** Keys with a record unresolved. */
    int keys() {
        return lanes.size();
    }

    /** Events waiting behind the key's unresolved record. */
    long waiting(String key) {
        Lane lane = lanes.get(key);
        return lane == null ? 0 : lane.waitingEvents;
    }

    /** Only new single events are packed: a record that was sent before (one unpacked after a rejection) goes alone. */
    private static boolean packable(PendingRecord record) {
        return record.eventCount() == 1 && record.attempts == 0;
    }

    /** One key's waiting events, behind its one unresolved record. */
    private static final class Lane {
        final ArrayDeque<PendingRecord> waiting = new ArrayDeque<>(2);
        long waitingEvents;
        long waitingBytes;

        void taken(PendingRecord record) {
            waitingEvents -= record.eventCount();
            waitingBytes -= record.data.length;
        }
    }
}
