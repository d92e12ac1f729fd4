package io.firehosegateway.support;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An HTTP/1.1 reverse proxy that speaks Kinesis Data Streams' JSON protocol, between the gateway's
 * Kinesis client and moto: a test scripts a {@link Fault} for each {@code PutRecords} call; every
 * other call ({@code DescribeStreamSummary}, ...) passes through untouched.
 *
 * <p>Faults keep Kinesis's semantics, so what lands in moto is what would land in Kinesis: entries
 * answered as failed were not forwarded (the answer's {@code FailedRecordCount} and each entry's
 * {@code ErrorCode} say so, in request order), a whole-call error forwarded nothing, a reset after
 * forwarding leaves the records stored while the client never learns it. The HTTP itself is
 * {@link RawHttpProxy}'s.
 */
public final class KinesisFaultProxy extends RawHttpProxy {

    private static final String PUT_RECORDS = "Kinesis_20131202.PutRecords";

    /** What the proxy does to one call. */
    public enum Kind {
        /** Forwards the call and its answer as they are. */
        PASS,
        /** Forwards only the entries not chosen to fail; answers 200 with those marked failed. */
        FAIL_ENTRIES,
        /** Answers an error without forwarding. */
        ERROR,
        /** Reads the call, then resets the connection without forwarding: nothing landed. */
        RESET_BEFORE_FORWARDING,
        /** Forwards the call, then resets the connection: it landed, the client cannot know. */
        RESET_AFTER_FORWARDING
    }

    /**
     * A fault for one call.
     *
     * @param kind what to do
     * @param failEntry for {@link Kind#FAIL_ENTRIES}: which entries fail, by index in the call and data
     * @param code the error code of the failed entries, or of the whole call for {@link Kind#ERROR}
     * @param status the HTTP status of an {@link Kind#ERROR}
     */
    public record Fault(Kind kind, BiPredicate<Integer, String> failEntry, String code, int status) {

        public static Fault pass() {
            return new Fault(Kind.PASS, null, null, 200);
        }

        /** Fails the chosen entries as a shard over its limit does. */
        public static Fault failEntries(BiPredicate<Integer, String> failEntry) {
            return failEntries(failEntry, "ProvisionedThroughputExceededException");
        }

        /** Fails the chosen entries with {@code code}: {@code ProvisionedThroughputExceededException} or {@code InternalFailure}. */
        public static Fault failEntries(BiPredicate<Integer, String> failEntry, String code) {
            return new Fault(Kind.FAIL_ENTRIES, failEntry, code, 200);
        }

        /** A whole call throttled: 400 {@code LimitExceededException}, as Kinesis answers a caller over its rate. */
        public static Fault throttled() {
            return error(400, "LimitExceededException");
        }

        public static Fault error(int status, String code) {
            return new Fault(Kind.ERROR, null, code, status);
        }

        public static Fault resetBeforeForwarding() {
            return new Fault(Kind.RESET_BEFORE_FORWARDING, null, null, 0);
        }

        public static Fault resetAfterForwarding() {
            return new Fault(Kind.RESET_AFTER_FORWARDING, null, null, 0);
        }
    }

    /**
     * One {@code PutRecords} call as the proxy received it.
     *
     * @param number 1 for the first call since the proxy started or was {@link #reset()}
     * @param stream the stream named in the call ({@code StreamName}, else {@code StreamARN})
     * @param records each record's data, decoded from base64, as UTF-8
     * @param keys each record's partition key
     */
    public record Call(int number, String stream, List<String> records, List<String> keys) {}

    private volatile Function<Call, Fault> script = call -> Fault.pass();
    private final AtomicInteger callNumbers = new AtomicInteger();
    private final Map<Kind, AtomicInteger> calls = new java.util.EnumMap<>(Kind.class);
    private final Map<Kind, AtomicInteger> records = new java.util.EnumMap<>(Kind.class);
    private final AtomicInteger failedEntries = new AtomicInteger();
    private final AtomicInteger forwardedRecords = new AtomicInteger();
    private final List<Call> seen = new CopyOnWriteArrayList<>();
    private final Object motoPuts = new Object();

    private KinesisFaultProxy(URI upstream) throws IOException {
        super(upstream, "kinesis-fault-proxy");
        for (Kind kind : Kind.values()) {
            calls.put(kind, new AtomicInteger());
            records.put(kind, new AtomicInteger());
        }
    }

    /** Starts a proxy on a free loopback port in front of {@code upstream}. */
    public static KinesisFaultProxy start(URI upstream) throws IOException {
        KinesisFaultProxy proxy = new KinesisFaultProxy(upstream);
        proxy.startServing();
        return proxy;
    }

    /** Decides the fault of every {@code PutRecords} call from now on. */
    public void script(Function<Call, Fault> script) {
        this.script = script;
    }

    /** Back to passing everything through, with every count and the call numbers at zero. */
    public void reset() {
        script = call -> Fault.pass();
        callNumbers.set(0);
        calls.values().forEach(count -> count.set(0));
        records.values().forEach(count -> count.set(0));
        failedEntries.set(0);
        forwardedRecords.set(0);
        seen.clear();
    }

    /** {@code PutRecords} calls given this fault since the last reset. */
    public int calls(Kind kind) {
        return calls.get(kind).get();
    }

    /** Records in the calls given this fault since the last reset. */
    public int records(Kind kind) {
        return records.get(kind).get();
    }

    /** Every {@code PutRecords} call since the last reset, in the order they came. */
    public List<Call> seen() {
        return List.copyOf(seen);
    }

    /** Entries answered as failed since the last reset. */
    public int failedEntries() {
        return failedEntries.get();
    }

    /** Records of {@code PutRecords} calls handed to moto and stored since the last reset. */
    public int forwardedRecords() {
        return forwardedRecords.get();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("KinesisFaultProxy[calls since reset:");
        for (Kind kind : Kind.values()) {
            if (calls(kind) > 0) {
                text.append(' ')
                        .append(kind)
                        .append('=')
                        .append(calls(kind))
                        .append(" (")
                        .append(records(kind))
                        .append(" records)");
            }
        }
        return text.append(", failed entries=")
                .append(failedEntries())
                .append(", forwarded records=")
                .append(forwardedRecords())
                .append(']')
                .toString();
    }

    @Override
    Answer handle(Request request) throws IOException {
        if (!PUT_RECORDS.equals(request.header("X-Amz-Target"))) {
            return forward(request);
        }
        String contentType = request.header("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-amz-json")) {
            throw new IOException("this proxy speaks Kinesis's JSON protocol only, not " + contentType);
        }
        JsonNode body = json.readTree(request.body());
        List<String> data = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (JsonNode record : body.get("Records")) {
            data.add(new String(Base64.getDecoder().decode(record.get("Data").asString()), StandardCharsets.UTF_8));
            keys.add(record.get("PartitionKey").asString());
        }
        String stream = body.has("StreamName")
                ? body.get("StreamName").asString()
                : body.get("StreamARN").asString();
        Call call = new Call(callNumbers.incrementAndGet(), stream, List.copyOf(data), List.copyOf(keys));
        seen.add(call);
        Fault fault = script.apply(call);
        calls.get(fault.kind()).incrementAndGet();
        records.get(fault.kind()).addAndGet(data.size());
        return switch (fault.kind()) {
            case PASS -> forwardRecords(request, data.size());
            case FAIL_ENTRIES -> failEntries(request, body, call, fault);
            case ERROR -> error(fault.status(), fault.code(), "Injected by the fault proxy.");
            case RESET_BEFORE_FORWARDING -> Answer.RESET;
            case RESET_AFTER_FORWARDING -> {
                forwardRecords(request, data.size());
                yield Answer.RESET;
            }
        };
    }

    /** Forwards only the surviving entries, then answers in request order as Kinesis would. */
    private Answer failEntries(Request request, JsonNode body, Call call, Fault fault) throws IOException {
        JsonNode all = body.get("Records");
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!fault.failEntry().test(i, call.records().get(i))) {
                kept.add(i);
            }
        }
        int failed = all.size() - kept.size();
        failedEntries.addAndGet(failed);
        JsonNode landed = null;
        if (!kept.isEmpty()) {
            ObjectNode subset = (ObjectNode) body.deepCopy();
            ArrayNode survivors = subset.putArray("Records");
            kept.forEach(i -> survivors.add(all.get(i)));
            Answer upstreamAnswer = forwardRecords(request.withBody(json.writeValueAsBytes(subset)), kept.size());
            if (upstreamAnswer.status() != 200) {
                return upstreamAnswer;
            }
            landed = json.readTree(upstreamAnswer.body()).get("Records");
        }
        ObjectNode answer = json.createObjectNode();
        answer.put("FailedRecordCount", failed);
        ArrayNode entries = answer.putArray("Records");
        int next = 0;
        for (int i = 0; i < all.size(); i++) {
            if (next < kept.size() && kept.get(next) == i) {
                entries.add(landed.get(next++));
            } else {
                entries.addObject()
                        .put("ErrorCode", fault.code())
                        .put(
                                "ErrorMessage",
                                fault.code().equals("InternalFailure")
                                        ? "Internal service failure."
                                        : "Rate exceeded for shard shardId-000000000000 in stream.");
            }
        }
        return Answer.json(200, null, json.writeValueAsBytes(answer));
    }

    private Answer forwardRecords(Request request, int count) throws IOException {
        Answer answer;
        // moto's Kinesis is "not safe for concurrency" (its Shard.put_record): two PutRecords on one
        // shard at once can take the same sequence number, and one record overwrites the other. The
        // gateway keeps calls in flight at once, as it should; moto gets them one at a time.
        synchronized (motoPuts) {
            answer = forward(request);
        }
        if (answer.status() == 200) {
            forwardedRecords.addAndGet(count);
        }
        return answer;
    }
}
