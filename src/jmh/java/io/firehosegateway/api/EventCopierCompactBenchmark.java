package io.firehosegateway.api;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link EventCopier#compact} against the byte-at-a-time copy it replaced ({@link CompactOracle}),
 * one event at a time, in one JVM: {@code compact} is the 8-bytes-at-a-time scan, {@code loop} the
 * old copy; {@code event} is the parser benchmark's event as sent (compact) or spaced as a
 * pretty-printer writes it, or the backbones' realistic order. Run by {@code bench/jmh
 * EventCopierCompactBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventCopierCompactBenchmark {

    private static final String PAGE_VIEW = "{\"type\":\"page_view\",\"user\":\"u-000123\",\"session\":\"s-9f8e7d6c\","
            + "\"ts\":\"2026-11-25T18:00:00.000Z\",\"path\":\"/products/1/reviews\",\"ref\":\"https://example.com/?q=sh\"}";
    private static final String ORDER = "{\"id\":\"order-1\",\"type\":\"order\",\"at\":\"2026-12-02T01:00:00.123Z\","
            + "\"customer\":{\"id\":\"c-1\",\"email\":\"ada@example.com\",\"tier\":\"pro\"},\"total\":12.5,"
            + "\"currency\":\"EUR\",\"items\":[{\"sku\":\"a\",\"quantity\":2}],\"coupon\":null,\"channel\":\"web\","
            + "\"country\":\"DE\",\"ip\":\"192.0.2.1\",\"session\":\"0193a4a0-0000-7000-8000-000000000001\","
            + "\"shipping\":{\"method\":\"post\",\"cost\":3.2},\"gift\":false,\"notes\":\"leave at the door\"}";

    @Param({"page-view", "page-view-spaced", "order"})
    public String event;

    @Param({"compact", "loop"})
    public String copy;

    private byte[] bytes;
    private final GrowableBytes out = new GrowableBytes(1024);

    @Setup
    public void setUp() {
        String json =
                switch (event) {
                    case "page-view" -> PAGE_VIEW;
                    case "page-view-spaced" -> PAGE_VIEW.replace(":", ": ").replace(",\"", ", \"");
                    default -> ORDER;
                };
        bytes = json.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The same comparison by this thread's CPU time, the two copies interleaved in 40 rounds of
     * 200,000 events each: on a machine shared with other work, a wall-clock average moves with the
     * others' load and the ratio per round does not. Run with {@code java -cp <bench/jmh's classpath>
     * io.firehosegateway.api.EventCopierCompactBenchmark}.
     */
    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        EventCopierCompactBenchmark benchmark = new EventCopierCompactBenchmark();
        for (String event : List.of("page-view", "page-view-spaced", "order")) {
            benchmark.event = event;
            benchmark.setUp();
            List<Double> ratios = new ArrayList<>();
            long[] cpu = new long[2];
            for (int round = 0; round < 40; round++) {
                long[] took = new long[2];
                for (int copy = 0; copy < 2; copy++) {
                    benchmark.copy = copy == 0 ? "compact" : "loop";
                    long start = threads.getCurrentThreadCpuTime();
                    for (int k = 0; k < 200_000; k++) {
                        benchmark.compact();
                    }
                    took[copy] = threads.getCurrentThreadCpuTime() - start;
                }
                // The first rounds warm the JIT up.
                if (round >= 10) {
                    ratios.add((double) took[0] / took[1]);
                    cpu[0] += took[0];
                    cpu[1] += took[1];
                }
            }
            Collections.sort(ratios);
            System.out.printf(
                    "%s, %d bytes: compact %.0f ns, loop %.0f ns of CPU per event; compact/loop median %.2f%n",
                    event,
                    benchmark.bytes.length,
                    cpu[0] / 30 / 200_000.0,
                    cpu[1] / 30 / 200_000.0,
                    ratios.get(ratios.size() / 2));
        }
    }

    @Benchmark
    public int compact() {
        boolean copied = copy.equals("compact")
                ? EventCopier.compact(bytes, 0, bytes.length, 10_000, out)
                : CompactOracle.compact(bytes, 0, bytes.length, 10_000, out);
        return copied ? out.size() : -1;
    }
}
