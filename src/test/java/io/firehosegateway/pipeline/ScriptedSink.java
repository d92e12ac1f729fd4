package io.firehosegateway.pipeline;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.firehose.FirehoseLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A sink that answers each call as the test scripts it, and remembers every call and every record
 * it was given, so tests can tell what was sent, and how often.
 */
final class ScriptedSink implements Sink {

    /** One call as the sink saw it. */
    record Call(int number, String stream, List<String> records) {}

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final BiFunction<Integer, List<String>, CompletableFuture<BatchResult>> script;
    private final SinkLimits limits;
    private final SinkKind kind;

    /** {@code script} gets the call's number (from 0) and its records as text; Firehose's limits. */
    ScriptedSink(BiFunction<Integer, List<String>, CompletableFuture<BatchResult>> script) {
        this(FirehoseLimits.LIMITS, script);
    }

    ScriptedSink(SinkLimits limits, BiFunction<Integer, List<String>, CompletableFuture<BatchResult>> script) {
        this(SinkKind.FIREHOSE, limits, script);
    }

    /**
     * A sink of {@code kind}: a Firehose one treats a throttled record as the whole destination
     * throttled, any other kind as only the record's partition (a Kinesis shard).
     */
    ScriptedSink(
            SinkKind kind,
            SinkLimits limits,
            BiFunction<Integer, List<String>, CompletableFuture<BatchResult>> script) {
        this.kind = kind;
        this.limits = limits;
        this.script = script;
    }

    @Override
    public SinkKind kind() {
        return kind;
    }

    @Override
    public boolean recordThrottlingIsDestinationWide() {
        return kind == SinkKind.FIREHOSE;
    }

    @Override
    public SinkLimits limits() {
        return limits;
    }

    static ScriptedSink acceptingEverything() {
        return new ScriptedSink(
                (call, records) -> CompletableFuture.completedFuture(BatchResult.allAccepted(records.size())));
    }

    @Override
    public synchronized CompletableFuture<BatchResult> putRecords(
            StreamRoutes.Route route, List<SinkRecord> sinkRecords) {
        String stream = route.destination();
        List<byte[]> records = sinkRecords.stream().map(SinkRecord::data).toList();
        List<String> text = new ArrayList<>(records.size());
        for (byte[] record : records) {
            text.add(new String(record, StandardCharsets.UTF_8));
        }
        Call call = new Call(calls.size(), stream, text);
        calls.add(call);
        return script.apply(call.number(), text);
    }

    List<Call> calls() {
        return calls;
    }

    /** Every record sent, in every call, in order: resends show up as repeats. */
    List<String> sentRecords() {
        List<String> all = new ArrayList<>();
        for (Call call : calls) {
            all.addAll(call.records());
        }
        return all;
    }
}
