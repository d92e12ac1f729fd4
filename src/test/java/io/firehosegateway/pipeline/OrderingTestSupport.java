package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.util.unit.DataSize;

/**
 * A Kinesis-like destination for ordering tests: records land in the order calls reach it, entry
 * by entry, so an entry that fails and is resent lands after the entries behind it, as in
 * {@code PutRecords}. Faults are scripted per record; events carry their key and their index
 * within the key, so order is judged on the first copy of each event per key.
 */
final class OrderingTestSupport {

    /** Kinesis' limits, as the pipeline sees them: 500 records, 10 MiB a call, 1 MiB a record, raw bytes. */
    static final SinkLimits KINESIS_LIKE =
            new SinkLimits(500, 10 * 1024 * 1024, SinkLimits.Encoding.RAW, 0, 0, 1024 * 1024, 1000, 25_000);

    private static final Pattern EVENT = Pattern.compile("\\{\"id\":\"([^\"]+)\",\"k\":\"([^\"]+)\"}");

    private OrderingTestSupport() {}

    /** Settings of one stream {@code events} on a Kinesis-like sink, keyed by {@code /k}. */
    static PipelineProperties properties(
            DeliveryMode mode, Ordering ordering, int packBytes, long maxRecords, double requestShare) {
        return new PipelineProperties(
                SinkKind.KINESIS,
                "events",
                Map.of(
                        "events",
                        new PipelineProperties.StreamProperties(
                                null,
                                null,
                                "/k",
                                ordering,
                                DataSize.ofBytes(packBytes),
                                PipelineProperties.Quota.NONE,
                                PipelineProperties.Metadata.OFF)),
                new PipelineProperties.Buffer(
                        maxRecords, DataSize.ofMegabytes(64), Duration.ofSeconds(1), requestShare, 1.0),
                new PipelineProperties.Delivery(
                        mode,
                        Duration.ofSeconds(20),
                        Duration.ofMillis(200),
                        // Journaled events wait in the journal: a stop need not wait for a stuck key.
                        Duration.ofSeconds(1),
                        Path.of(System.getProperty("java.io.tmpdir"), "gateway-dead-letter-tests"),
                        Duration.ofMillis(2),
                        true,
                        true,
                        true,
                        4,
                        Duration.ofMillis(1),
                        Duration.ofMillis(5)),
                1);
    }

    /**
     * The settings with a second stream, {@code routed}, kept per key by {@code /k} on the same
     * sink: where a request's invalid events are routed.
     */
    static PipelineProperties withRouteTarget(PipelineProperties properties) {
        Map<String, PipelineProperties.StreamProperties> streams = new LinkedHashMap<>(properties.streams());
        streams.put(
                "routed",
                new PipelineProperties.StreamProperties(
                        null,
                        null,
                        "/k",
                        Ordering.PER_KEY,
                        DataSize.ofBytes(0),
                        PipelineProperties.Quota.NONE,
                        PipelineProperties.Metadata.OFF));
        return new PipelineProperties(
                properties.sink(),
                properties.defaultStream(),
                streams,
                properties.buffer(),
                properties.delivery(),
                properties.replicas());
    }

    /** Events {@code key-0 .. key-(count-1)} of one key, in that order. */
    static List<Event> keyed(String key, int from, int count) {
        List<Event> events = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            String id = key + "-" + i;
            events.add(new Event(
                    id, ("{\"id\":\"" + id + "\",\"k\":\"" + key + "\"}\n").getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    /** Events of several keys, interleaved: {@code perKey} of each key, round robin. */
    static List<Event> interleaved(List<String> keys, int from, int perKey) {
        List<Event> events = new ArrayList<>();
        for (int i = from; i < from + perKey; i++) {
            for (String key : keys) {
                events.addAll(keyed(key, i, 1));
            }
        }
        return events;
    }

    /** Admits and submits a whole request, as the API does. */
    static DeliveryTicket submit(Pipeline pipeline, List<Event> events, DeliveryMode mode) {
        try (Admission admission = pipeline.admit()) {
            for (Event event : events) {
                admission.reserve(event);
            }
            return pipeline.submit("events", events, admission, mode);
        }
    }

    /** What a scripted destination does with one record on one attempt. */
    enum Fate {
        /** Lands and is answered as accepted. */
        ACCEPT,
        /** Does not land; answered as a retryable per-record failure (Kinesis' InternalFailure). */
        FAIL,
        /** Does not land; answered as throttled (Kinesis' ProvisionedThroughputExceeded for its shard). */
        THROTTLE,
        /** Does not land; refused for good as invalid. */
        REJECT
    }

    /**
     * The destination: every event that landed, in landing order, and each call's records. Calls are
     * answered on another thread, as the SDK does.
     */
    static final class Destination {

        /** Decides a record's fate from its events' ids and the how-many-th time its first is sent (from 0). */
        interface Script {
            Fate fate(List<String> ids, int attempt);
        }

        private final Script script;
        /** Every {@code resetEvery}-th call lands whole and is then answered with a reset; 0 for never. */
        private final int resetEvery;

        private final ExecutorService answers = Executors.newFixedThreadPool(4);
        private final List<String[]> landed = new CopyOnWriteArrayList<>();
        private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
        private final Set<String> keysInCalls = ConcurrentHashMap.newKeySet();
        private final List<String> violations = new CopyOnWriteArrayList<>();
        private final List<List<String>> calls = new CopyOnWriteArrayList<>();

        Destination(int resetEvery, Script script) {
            this.resetEvery = resetEvery;
            this.script = script;
        }

        ScriptedSink sink() {
            BiFunction<Integer, List<String>, CompletableFuture<BatchResult>> answer = this::call;
            return new ScriptedSink(SinkKind.KINESIS, KINESIS_LIKE, answer);
        }

        private CompletableFuture<BatchResult> call(int number, List<String> records) {
            calls.add(records);
            noteKeys(records);
            List<String> keys = new ArrayList<>(records.size());
            for (String record : records) {
                keys.add(events(record).get(0)[1]);
            }
            return CompletableFuture.supplyAsync(
                    () -> {
                        boolean reset = resetEvery > 0 && number % resetEvery == resetEvery - 1;
                        List<RecordOutcome> outcomes = new ArrayList<>(records.size());
                        for (String record : records) {
                            List<String[]> events = events(record);
                            int attempt = attempts.merge(events.get(0)[0], 1, Integer::sum) - 1;
                            List<String> ids =
                                    events.stream().map(event -> event[0]).toList();
                            Fate fate = reset ? Fate.ACCEPT : script.fate(ids, attempt);
                            switch (fate) {
                                case ACCEPT -> {
                                    landed.addAll(events);
                                    outcomes.add(RecordOutcome.ACCEPTED);
                                }
                                case FAIL ->
                                    outcomes.add(
                                            new RecordOutcome(FailureKind.RETRYABLE, "InternalFailure", "scripted"));
                                case REJECT ->
                                    outcomes.add(new RecordOutcome(
                                            FailureKind.INVALID_REQUEST, "ValidationException", "scripted"));
                                case THROTTLE ->
                                    outcomes.add(new RecordOutcome(
                                            FailureKind.THROTTLED,
                                            "ProvisionedThroughputExceededException",
                                            "scripted"));
                            }
                        }
                        for (String key : keys) {
                            keysInCalls.remove(key);
                        }
                        if (reset) {
                            // Landed, but the connection reset before the answer: the gateway cannot know.
                            throw new SinkException(FailureKind.UNKNOWN_OUTCOME, "Reset", "scripted reset", null);
                        }
                        return new BatchResult(outcomes);
                    },
                    answers);
        }

        /** Notes a call's keys before it is answered: two records of one key in calls at once is a violation. */
        private void noteKeys(List<String> records) {
            Set<String> seen = new HashSet<>();
            for (String record : records) {
                String key = events(record).get(0)[1];
                if (!seen.add(key) || !keysInCalls.add(key)) {
                    violations.add(key);
                }
            }
        }

        /** Events in the order they first landed, grouped by key: each key's ids, first copies only. */
        Map<String, List<String>> firstCopiesByKey() {
            Set<String> seen = new HashSet<>();
            Map<String, List<String>> byKey = new LinkedHashMap<>();
            for (String[] event : landed) {
                if (seen.add(event[0])) {
                    byKey.computeIfAbsent(event[1], key -> new ArrayList<>()).add(event[0]);
                }
            }
            return byKey;
        }

        /** How many times each event landed. */
        Map<String, Integer> copies() {
            Map<String, Integer> copies = new HashMap<>();
            for (String[] event : landed) {
                copies.merge(event[0], 1, Integer::sum);
            }
            return copies;
        }

        List<List<String>> calls() {
            return calls;
        }

        List<String> violations() {
            return violations;
        }

        void close() {
            answers.shutdownNow();
        }
    }

    /** The id and key of each event of a record (one event, or several packed). */
    static List<String[]> events(String record) {
        List<String[]> events = new ArrayList<>();
        Matcher matcher = EVENT.matcher(record);
        while (matcher.find()) {
            events.add(new String[] {matcher.group(1), matcher.group(2)});
        }
        return events;
    }

    /** Whether each key's ids are in ascending index order. */
    static boolean inOrder(List<String> ids) {
        int last = -1;
        for (String id : ids) {
            int index = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
            if (index < last) {
                return false;
            }
            last = index;
        }
        return true;
    }
}
