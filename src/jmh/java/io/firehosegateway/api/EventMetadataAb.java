package io.firehosegateway.api;

import java.util.Arrays;

/**
 * Parsing with and without metadata, interleaved in one JVM: blocks of requests alternate between
 * the two, so load from other work on a shared machine falls on both alike, and the ratio of each
 * pair of blocks is taken; the median of those ratios is the figure. JMH's own runs measure one
 * setting after the other, which on a loaded machine can differ by more than the effect.
 *
 * <p>Run after {@code bench/jmh} built the classes: {@code java -cp ... io.firehosegateway.api.EventMetadataAb [events] [pairs]}.
 */
public final class EventMetadataAb {

    private EventMetadataAb() {}

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        EventBodyParserBenchmark off = benchmark(events, false);
        EventBodyParserBenchmark on = benchmark(events, true);
        int block = events >= 100 ? 200 : 5_000;
        for (int i = 0; i < 20; i++) {
            run(off, block);
            run(on, block);
        }
        double[] ratios = new double[pairs];
        double[] offRates = new double[pairs];
        double[] onRates = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            // Alternate which goes first, so neither always follows the other's garbage.
            long a;
            long b;
            if (i % 2 == 0) {
                a = run(off, block);
                b = run(on, block);
            } else {
                b = run(on, block);
                a = run(off, block);
            }
            offRates[i] = events * (double) block / (a / 1e9);
            onRates[i] = events * (double) block / (b / 1e9);
            ratios[i] = onRates[i] / offRates[i];
        }
        off.tearDown();
        on.tearDown();
        System.out.printf(
                "events per request %d, %d pairs of %d requests%n"
                        + "without metadata: median %.0f events/s%n"
                        + "with every fact:  median %.0f events/s%n"
                        + "ratio with/without, median of pairs: %.3f (quartiles %.3f to %.3f)%n",
                events,
                pairs,
                block,
                median(offRates),
                median(onRates),
                median(ratios),
                quantile(ratios, 0.25),
                quantile(ratios, 0.75));
    }

    private static EventBodyParserBenchmark benchmark(int events, boolean metadata) {
        EventBodyParserBenchmark benchmark = new EventBodyParserBenchmark();
        benchmark.events = events;
        benchmark.metadata = metadata;
        benchmark.setUp();
        return benchmark;
    }

    private static long run(EventBodyParserBenchmark benchmark, int requests) {
        long start = System.nanoTime();
        int sink = 0;
        for (int i = 0; i < requests; i++) {
            sink += benchmark.parse().size();
        }
        long elapsed = System.nanoTime() - start;
        if (sink == 42) {
            System.out.print("");
        }
        return elapsed;
    }

    private static double median(double[] values) {
        return quantile(values, 0.5);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }
}
