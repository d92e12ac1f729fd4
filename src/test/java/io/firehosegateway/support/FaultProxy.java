package io.firehosegateway.support;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BiPredicate;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An HTTP/1.1 reverse proxy between the gateway's Firehose or SQS client and an emulator that does
 * what the emulator never does: fail. A test scripts a {@link Fault} for each {@code PutRecordBatch}
 * or {@code SendMessageBatch} call (SQS's JSON protocol: entries answered by {@code Id} in
 * {@code Successful} and {@code Failed}); every other call (such as {@code DescribeDeliveryStream}
 * or {@code GetQueueUrl}) passes through untouched. An
 * {@linkplain #startOutage() outage} refuses every connection until it ends.
 *
 * <p>Faults keep Firehose's true semantics, so what lands in the emulator is what would land in
 * Firehose: entries answered as failed were not forwarded, a whole-call error forwarded nothing, a
 * reset after forwarding leaves the records stored while the client never learns it.
 *
 * <p>The HTTP itself, raw sockets on the client side and an HTTP client on the emulator side, is
 * {@link RawHttpProxy}'s.
 */
public final class FaultProxy extends RawHttpProxy {

    private static final String PUT_RECORD_BATCH = "Firehose_20150804.PutRecordBatch";
    private static final String SEND_MESSAGE_BATCH = "AmazonSQS.SendMessageBatch";
    private static final String SQS_JSON = "application/x-amz-json-1.0";

    /** What the proxy does to one call. */
    public enum Kind {
        /** Forwards the call and its answer as they are. */
        PASS,
        /** Forwards only the entries not chosen to fail; answers 200 with those marked failed. */
        FAIL_ENTRIES,
        /** Answers 503 {@code ServiceUnavailableException} without forwarding. */
        SERVICE_UNAVAILABLE,
        /** Answers 500 {@code InternalFailure} without forwarding. */
        INTERNAL_FAILURE,
        /** Reads the call, then resets the connection without forwarding: nothing landed. */
        RESET_BEFORE_FORWARDING,
        /** Forwards the call, then resets the connection: it landed, the client cannot know. */
        RESET_AFTER_FORWARDING,
        /** Forwards the call, then holds the answer back for a while: it landed, the answer is late. */
        LATENCY,
        /** Answers 503 without forwarding and starts an {@linkplain #startOutage() outage}. */
        OUTAGE,
        /** Answers 400 {@code InvalidArgumentException} without forwarding: Firehose refused the call's input. */
        INVALID_ARGUMENT,
        /** Answers the fault's {@link ServiceError} without forwarding. */
        ERROR
    }

    /**
     * An error as a service answers it: for a whole call ({@link Kind#ERROR}), or for each failed
     * entry of an SQS call ({@link Kind#FAIL_ENTRIES}).
     *
     * @param status the HTTP status of a whole-call error
     * @param code the error's code, such as {@code RequestThrottled} or {@code KMS.DisabledException}
     * @param message its message
     * @param senderFault for an SQS entry: whether the sender is at fault
     */
    public record ServiceError(int status, String code, String message, boolean senderFault) {

        /** SQS throttling a call, as a FIFO queue over its quota does. */
        public static ServiceError sqsThrottled() {
            return new ServiceError(400, "RequestThrottled", "Rate exceeded", true);
        }

        /**
         * A FIFO queue over its throughput quota, as SQS's FIFO troubleshooting guide names it:
         * {@code ThrottlingException}.
         */
        public static ServiceError sqsFifoThrottled() {
            return new ServiceError(400, "ThrottlingException", "Rate exceeded", true);
        }

        /** An SQS entry failed on SQS's side: sent again. */
        public static ServiceError sqsInternalError() {
            return new ServiceError(500, "InternalError", "We encountered an internal error.", false);
        }

        /** An SQS entry refused for good, the sender at fault. */
        public static ServiceError sqsInvalidEntry() {
            return new ServiceError(400, "InvalidParameterValue", "The entry is not valid.", true);
        }

        /** The queue's KMS key is disabled; SQS marks it as the sender's fault. */
        public static ServiceError sqsKmsDisabled() {
            return new ServiceError(400, "KMS.DisabledException", "The KMS key is disabled.", true);
        }
    }

    /**
     * A fault for one call.
     *
     * @param kind what to do
     * @param failEntry for {@link Kind#FAIL_ENTRIES}: which entries fail, by index in the call and decoded data
     * @param latency for {@link Kind#LATENCY}: how long the answer is held back
     */
    public record Fault(Kind kind, BiPredicate<Integer, String> failEntry, Duration latency, ServiceError error) {

        public Fault(Kind kind, BiPredicate<Integer, String> failEntry, Duration latency) {
            this(kind, failEntry, latency, null);
        }

        /** Fails the entries {@code failEntry} picks, each answered with {@code error} (SQS only). */
        public static Fault failEntries(BiPredicate<Integer, String> failEntry, ServiceError error) {
            return new Fault(Kind.FAIL_ENTRIES, failEntry, null, error);
        }

        /** Answers the whole call with {@code error}. */
        public static Fault error(ServiceError error) {
            return new Fault(Kind.ERROR, null, null, error);
        }

        public static Fault pass() {
            return new Fault(Kind.PASS, null, null);
        }

        public static Fault failEntries(BiPredicate<Integer, String> failEntry) {
            return new Fault(Kind.FAIL_ENTRIES, failEntry, null);
        }

        /** Fails the 3rd, 6th, ... entry of the call when {@code n} is 3. */
        public static Fault failEveryNth(int n) {
            return failEntries((index, data) -> (index + 1) % n == 0);
        }

        public static Fault serviceUnavailable() {
            return new Fault(Kind.SERVICE_UNAVAILABLE, null, null);
        }

        public static Fault internalFailure() {
            return new Fault(Kind.INTERNAL_FAILURE, null, null);
        }

        public static Fault resetBeforeForwarding() {
            return new Fault(Kind.RESET_BEFORE_FORWARDING, null, null);
        }

        public static Fault resetAfterForwarding() {
            return new Fault(Kind.RESET_AFTER_FORWARDING, null, null);
        }

        public static Fault latency(Duration latency) {
            return new Fault(Kind.LATENCY, null, latency);
        }

        public static Fault outage() {
            return new Fault(Kind.OUTAGE, null, null);
        }

        public static Fault invalidArgument() {
            return new Fault(Kind.INVALID_ARGUMENT, null, null);
        }
    }

    /**
     * One {@code PutRecordBatch} call as the proxy received it.
     *
     * @param number 1 for the first call since the proxy started or was {@link #reset()}
     * @param stream the delivery stream named in the call, or the SQS queue's URL
     * @param records each record's data, decoded from base64, as UTF-8; or each SQS message's body
     */
    public record Call(int number, String stream, List<String> records) {}

    private volatile Function<Call, Fault> script = call -> Fault.pass();
    private final AtomicInteger callNumbers = new AtomicInteger();
    private final AtomicIntegerArray calls = new AtomicIntegerArray(Kind.values().length);
    private final AtomicIntegerArray records = new AtomicIntegerArray(Kind.values().length);
    private final AtomicInteger failedEntries = new AtomicInteger();
    private final AtomicInteger forwardedRecords = new AtomicInteger();

    private FaultProxy(URI upstream) throws IOException {
        super(upstream, "fault-proxy");
    }

    /** Starts a proxy on a free loopback port in front of {@code upstream}. */
    public static FaultProxy start(URI upstream) throws IOException {
        FaultProxy proxy = new FaultProxy(upstream);
        proxy.startServing();
        return proxy;
    }

    /** Decides the fault of every {@code PutRecordBatch} call from now on. */
    public void script(Function<Call, Fault> script) {
        this.script = script;
    }

    /** Back to passing everything through, with every count and the call numbers at zero. */
    public void reset() {
        script = call -> Fault.pass();
        callNumbers.set(0);
        for (int i = 0; i < calls.length(); i++) {
            calls.set(i, 0);
            records.set(i, 0);
        }
        failedEntries.set(0);
        forwardedRecords.set(0);
    }

    /** {@code PutRecordBatch} calls given this fault since the last reset. */
    public int calls(Kind kind) {
        return calls.get(kind.ordinal());
    }

    /** Records in the calls given this fault since the last reset. */
    public int records(Kind kind) {
        return records.get(kind.ordinal());
    }

    /** Entries answered as failed by {@link Kind#FAIL_ENTRIES} faults since the last reset. */
    public int failedEntries() {
        return failedEntries.get();
    }

    /** Records of {@code PutRecordBatch} calls handed to the emulator since the last reset. */
    public int forwardedRecords() {
        return forwardedRecords.get();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("FaultProxy[calls since reset:");
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
        if (SEND_MESSAGE_BATCH.equals(request.header("X-Amz-Target"))) {
            return handleSqs(request);
        }
        if (!PUT_RECORD_BATCH.equals(request.header("X-Amz-Target"))) {
            return forward(request);
        }
        JsonNode body = json.readTree(request.body());
        List<String> data = new ArrayList<>();
        for (JsonNode record : body.get("Records")) {
            data.add(new String(Base64.getDecoder().decode(record.get("Data").asString()), StandardCharsets.UTF_8));
        }
        Call call = new Call(
                callNumbers.incrementAndGet(), body.get("DeliveryStreamName").asString(), List.copyOf(data));
        Fault fault = script.apply(call);
        calls.incrementAndGet(fault.kind().ordinal());
        records.addAndGet(fault.kind().ordinal(), data.size());
        return switch (fault.kind()) {
            case PASS -> forwardRecords(request, data.size());
            case FAIL_ENTRIES -> failEntries(request, body, call, fault.failEntry());
            case SERVICE_UNAVAILABLE -> error(503, "ServiceUnavailableException", "Slow down.");
            case INTERNAL_FAILURE -> error(500, "InternalFailure", "We encountered an internal error.");
            case INVALID_ARGUMENT -> error(400, "InvalidArgumentException", "A record of the call is not valid.");
            case ERROR ->
                error(
                        fault.error().status(),
                        fault.error().code(),
                        fault.error().message());
            case RESET_BEFORE_FORWARDING -> Answer.RESET;
            case RESET_AFTER_FORWARDING -> {
                forwardRecords(request, data.size());
                yield Answer.RESET;
            }
            case OUTAGE -> {
                startOutage();
                yield error(503, "ServiceUnavailableException", "Slow down.");
            }
            case LATENCY -> {
                Answer answer = forwardRecords(request, data.size());
                try {
                    Thread.sleep(fault.latency().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield answer;
            }
        };
    }

    /** A {@code SendMessageBatch} call: the same faults, in SQS's JSON protocol. */
    private Answer handleSqs(Request request) throws IOException {
        JsonNode body = json.readTree(request.body());
        List<String> bodies = new ArrayList<>();
        for (JsonNode entry : body.get("Entries")) {
            bodies.add(entry.get("MessageBody").asString());
        }
        Call call = new Call(callNumbers.incrementAndGet(), body.get("QueueUrl").asString(), List.copyOf(bodies));
        Fault fault = script.apply(call);
        calls.incrementAndGet(fault.kind().ordinal());
        records.addAndGet(fault.kind().ordinal(), bodies.size());
        return switch (fault.kind()) {
            case PASS -> forwardRecords(request, bodies.size());
            case FAIL_ENTRIES -> failSqsEntries(request, body, call, fault);
            case SERVICE_UNAVAILABLE -> sqsError(new ServiceError(503, "ServiceUnavailable", "Slow down.", false));
            case INTERNAL_FAILURE -> sqsError(ServiceError.sqsInternalError());
            case INVALID_ARGUMENT ->
                sqsError(new ServiceError(400, "InvalidParameterValue", "An entry of the call is not valid.", true));
            case ERROR -> sqsError(fault.error());
            case RESET_BEFORE_FORWARDING -> Answer.RESET;
            case RESET_AFTER_FORWARDING -> {
                forwardRecords(request, bodies.size());
                yield Answer.RESET;
            }
            case OUTAGE -> {
                startOutage();
                yield sqsError(new ServiceError(503, "ServiceUnavailable", "Slow down.", false));
            }
            case LATENCY -> {
                Answer answer = forwardRecords(request, bodies.size());
                try {
                    Thread.sleep(fault.latency().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield answer;
            }
        };
    }

    /** Forwards only the surviving entries, then answers by {@code Id} as SQS does, failed ones in {@code Failed}. */
    private Answer failSqsEntries(Request request, JsonNode body, Call call, Fault fault) throws IOException {
        ServiceError entryError = fault.error() != null ? fault.error() : ServiceError.sqsInternalError();
        JsonNode all = body.get("Entries");
        ArrayNode survivors = json.createArrayNode();
        ArrayNode failedEntries = json.createArrayNode();
        for (int i = 0; i < all.size(); i++) {
            if (fault.failEntry().test(i, call.records().get(i))) {
                failedEntries
                        .addObject()
                        .put("Id", all.get(i).get("Id").asString())
                        .put("SenderFault", entryError.senderFault())
                        .put("Code", entryError.code())
                        .put("Message", entryError.message());
            } else {
                survivors.add(all.get(i));
            }
        }
        this.failedEntries.addAndGet(failedEntries.size());
        ObjectNode answer = json.createObjectNode();
        ArrayNode successful = answer.putArray("Successful");
        if (!survivors.isEmpty()) {
            ObjectNode subset = (ObjectNode) body.deepCopy();
            subset.set("Entries", survivors);
            Answer upstreamAnswer = forwardRecords(request.withBody(json.writeValueAsBytes(subset)), survivors.size());
            if (upstreamAnswer.status() != 200) {
                return upstreamAnswer;
            }
            JsonNode landed = json.readTree(upstreamAnswer.body()).get("Successful");
            if (landed != null) {
                landed.forEach(successful::add);
            }
        }
        answer.set("Failed", failedEntries);
        return Answer.json(200, null, json.writeValueAsBytes(answer), SQS_JSON);
    }

    /** An SQS error as its JSON protocol carries it: the JSON type and the query-protocol code beside it. */
    private static Answer sqsError(ServiceError error) {
        String type = "com.amazonaws.sqs#" + error.code();
        ObjectNode body = json.createObjectNode().put("__type", type).put("message", error.message());
        Answer answer = Answer.json(error.status(), type, json.writeValueAsBytes(body), SQS_JSON);
        answer.headers()
                .add(Map.entry(
                        "x-amzn-query-error", error.code() + ";" + (error.senderFault() ? "Sender" : "Receiver")));
        return answer;
    }

    /** Forwards only the surviving entries, then answers in request order as Firehose would. */
    private Answer failEntries(Request request, JsonNode body, Call call, BiPredicate<Integer, String> failEntry)
            throws IOException {
        JsonNode all = body.get("Records");
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!failEntry.test(i, call.records().get(i))) {
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
            landed = json.readTree(upstreamAnswer.body()).get("RequestResponses");
        }
        ObjectNode answer = json.createObjectNode();
        answer.put("FailedPutCount", failed);
        answer.put("Encrypted", false);
        ArrayNode responses = answer.putArray("RequestResponses");
        int next = 0;
        for (int i = 0; i < all.size(); i++) {
            if (next < kept.size() && kept.get(next) == i) {
                responses.add(landed.get(next++));
            } else {
                responses
                        .addObject()
                        .put("ErrorCode", "ServiceUnavailableException")
                        .put("ErrorMessage", "Slow down.");
            }
        }
        return Answer.json(200, null, json.writeValueAsBytes(answer));
    }

    private Answer forwardRecords(Request request, int count) throws IOException {
        Answer answer = forward(request);
        if (answer.status() == 200) {
            forwardedRecords.addAndGet(count);
        }
        return answer;
    }
}
