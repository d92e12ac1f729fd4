package io.firehosebench;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.DeliveryTicket;
import io.firehosegateway.pipeline.Ordering;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.util.unit.DataSize;

/**
 * {@code per-key} against {@code none} through the pipeline, in one run: a Kinesis-like sink whose
 * calls take a round trip and whose shards each take 1,000 records/s and 1 MB/s (every key its own
 * shard, the rest throttled per record), many cold keys sent by confirmed clients, with and without
 * one hot key flooded past its shard's limit. Prints Markdown rows for docs/benchmarks.md.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.firehosebench.PerKeyBench} or {@code java -cp ...} (see bench/perkey).
 */
public final class PerKeyBench {

    private static final SinkLimits KINESIS =
            new SinkLimits(500, 10 * 1024 * 1024, SinkLimits.Encoding.RAW, 0, 0, 1024 * 1024, 1000, 25_000);
    private static final long ROUND_TRIP_MS = 10;
    private static final Duration RUN = Duration.ofSeconds(Long.getLong("seconds", 6));
    private static final int COLD_CLIENTS = 4;
    private static final int COLD_KEYS_PER_REQUEST = 10;

    private PerKeyBench() {}

    public static void main(String[] args) throws Exception {
        System.out.println("| ordering | pack-bytes | hot key | cold requests/s | cold p50 ms | cold p99 ms"
                + " | hot events/s delivered | hot requests refused (429) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (boolean hot : new boolean[] {false, true}) {
            for (Ordering ordering : new Ordering[] {Ordering.NONE, Ordering.PER_KEY}) {
                System.out.println(run(ordering, 0, hot));
            }
        }
        System.out.println(run(Ordering.PER_KEY, 64 * 1024, true));
        System.out.println(run(Ordering.NONE, 64 * 1024, true));
    }

    private static String run(Ordering ordering, int packBytes, boolean withHot) throws Exception {
        ShardSink sink = new ShardSink();
        Pipeline pipeline = new Pipeline(
                properties(ordering, packBytes),
                List.of(sink),
                new GatewayMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(),
                null);
        pipeline.start();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong refused = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        AtomicLong hotDelivered = new AtomicLong();
        if (withHot) {
            threads.add(started(() -> {
                long n = 0;
                while (running.get()) {
                    List<Event> events = new ArrayList<>(100);
                    for (int i = 0; i < 100; i++) {
                        events.add(event("hot", n++));
                    }
                    try {
                        DeliveryTicket ticket = submit(pipeline, events, DeliveryMode.BUFFERED);
                        ticket.done().thenAccept(done -> hotDelivered.addAndGet(done.deliveredCount()));
                    } catch (RuntimeException full) {
                        refused.incrementAndGet();
                        n -= 100;
                    }
                    // 100 events every 20 ms: 5,000 a second, five times the shard's limit.
                    sleepQuietly(20);
                }
            }));
        }
        // Measured once the hot key is backed up.
        sleepQuietly(withHot ? 1000 : 200);
        long start = System.nanoTime();
        long hotAtStart = hotDelivered.get();
        AtomicLong coldRequests = new AtomicLong();
        for (int c = 0; c < COLD_CLIENTS; c++) {
            int client = c;
            threads.add(started(() -> {
                long n = 0;
                while (running.get()) {
                    List<Event> events = new ArrayList<>(COLD_KEYS_PER_REQUEST);
                    for (int k = 0; k < COLD_KEYS_PER_REQUEST; k++) {
                        events.add(event("cold-" + client + "-" + (n % 1000) + "-" + k, n));
                    }
                    n++;
                    long sent = System.nanoTime();
                    try {
                        submit(pipeline, events, DeliveryMode.CONFIRMED).done().get(30, TimeUnit.SECONDS);
                        latencies.add(System.nanoTime() - sent);
                        coldRequests.incrementAndGet();
                    } catch (Exception e) {
                        sleepQuietly(1);
                    }
                }
            }));
        }
        sleepQuietly(RUN.toMillis());
        double seconds = (System.nanoTime() - start) / 1e9;
        long hotCount = hotDelivered.get() - hotAtStart;
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        pipeline.stop();
        sink.close();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return String.format(
                "| %s | %s | %s | %.0f | %.1f | %.1f | %s | %d |",
                ordering == Ordering.PER_KEY ? "per-key" : "none",
                packBytes == 0 ? "0" : (packBytes / 1024) + "KB",
                withHot ? "5,000 events/s" : "no",
                coldRequests.get() / seconds,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                withHot ? String.format("%.0f", hotCount / seconds) : "-",
                refused.get());
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p))) / 1e6;
    }

    private static DeliveryTicket submit(Pipeline pipeline, List<Event> events, DeliveryMode mode) {
        try (Admission admission = pipeline.admitRequest(null)) {
            for (Event event : events) {
                admission.reserve(event);
            }
            return pipeline.submit("events", events, admission, mode);
        }
    }

    private static Event event(String key, long n) {
        String id = key + "-" + n;
        return new Event(
                id,
                ("{\"id\":\"" + id + "\",\"k\":\"" + key + "\",\"payload\":\"" + "x".repeat(100) + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static Thread started(Runnable body) {
        Thread thread = new Thread(body);
        thread.start();
        return thread;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static PipelineProperties properties(Ordering ordering, int packBytes) {
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
                                new PipelineProperties.Quota(0, 0, DataSize.ofBytes(0)),
                                PipelineProperties.Metadata.OFF)),
                new PipelineProperties.Buffer(200_000, DataSize.ofMegabytes(128), Duration.ofSeconds(1), 0.25, 0.5),
                new PipelineProperties.Delivery(
                        DeliveryMode.CONFIRMED,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(2),
                        Path.of(System.getProperty("java.io.tmpdir"), "perkey-bench-dead-letter"),
                        Duration.ofMillis(5),
                        true,
                        true,
                        true,
                        16,
                        Duration.ofMillis(50),
                        Duration.ofSeconds(5)),
                1);
    }

    /** Every key its own shard: 1,000 records/s and 1 MB/s each, counted per second; the rest throttled. */
    private static final class ShardSink implements Sink {
        private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
        private final Map<String, long[]> shards = new ConcurrentHashMap<>();

        @Override
        public SinkKind kind() {
            return SinkKind.KINESIS;
        }

        @Override
        public SinkLimits limits() {
            return KINESIS;
        }

        @Override
        public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records) {
            CompletableFuture<BatchResult> answer = new CompletableFuture<>();
            answers.schedule(
                    () -> {
                        long second = System.nanoTime() / 1_000_000_000L;
                        List<RecordOutcome> outcomes = new ArrayList<>(records.size());
                        for (SinkRecord record : records) {
                            long[] shard = shards.computeIfAbsent(record.key(), key -> new long[3]);
                            synchronized (shard) {
                                if (shard[0] != second) {
                                    shard[0] = second;
                                    shard[1] = 0;
                                    shard[2] = 0;
                                }
                                if (shard[1] + 1 > 1000 || shard[2] + record.data().length > 1_000_000) {
                                    outcomes.add(new RecordOutcome(
                                            FailureKind.THROTTLED, "ProvisionedThroughputExceededException", "shard"));
                                } else {
                                    shard[1]++;
                                    shard[2] += record.data().length;
                                    outcomes.add(RecordOutcome.ACCEPTED);
                                }
                            }
                        }
                        answer.complete(new BatchResult(outcomes));
                    },
                    ROUND_TRIP_MS,
                    TimeUnit.MILLISECONDS);
            return answer;
        }

        void close() {
            answers.shutdownNow();
        }
    }
}
