package io.firehosegateway.bench;

import io.firehosegateway.event.Event;
import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalProperties;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.springframework.util.unit.DataSize;

/**
 * How fast can concurrent requests be made durable? Measures, side by side in one run, requests/s
 * of durable appends (each caller waits until its entry is fsync'd) with {@code threads} concurrent
 * callers, for:
 *
 * <ol>
 *   <li>the gateway's journal (one writer, one fsync per group of queued appends);
 *   <li>a plain append-only file with one fsync per append (the journal without group commit);
 *   <li>H2's MVStore, a proven pure-Java embedded store: put, commit and sync per append.
 * </ol>
 *
 * Run with {@code bench/journal-store}; not a test, and it asserts nothing: it prints figures.
 */
public final class JournalStoreBenchmark {

    private JournalStoreBenchmark() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path root = Files.createTempDirectory(Path.of(args.length > 3 ? args[3] : "target"), "journal-bench");
        List<Event> request = request(10, 200);
        System.out.printf(
                Locale.ROOT,
                "durable appends of one request (%d events of ~%d bytes), %d callers, %d s each, %d runs%n",
                request.size(),
                request.get(0).size(),
                threads,
                seconds,
                runs);
        double[][] results = new double[3][runs];
        for (int run = 0; run < runs; run++) {
            results[0][run] = measure(threads, seconds, journal(root.resolve("journal-" + run), request));
            results[1][run] = measure(threads, seconds, fsyncEach(root.resolve("fsync-" + run), request));
            results[2][run] = measure(threads, seconds, mvStore(root.resolve("mvstore-" + run), request));
        }
        String[] names = {"journal (group commit)", "append + fsync each", "MVStore commit + sync each"};
        double journal = median(results[0]);
        for (int i = 0; i < names.length; i++) {
            double median = median(results[i]);
            System.out.printf(
                    Locale.ROOT,
                    "%-28s median %10.0f requests/s  runs %s  journal/this %.1f%n",
                    names[i],
                    median,
                    Arrays.toString(Arrays.stream(results[i]).map(Math::round).toArray()),
                    journal / median);
        }
    }

    /** One durable append, returning when it is on disk. */
    interface Store extends AutoCloseable {
        void append() throws Exception;
    }

    private static double measure(int threads, int seconds, Store store) throws Exception {
        try (store) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicLong done = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 1);
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    while (System.nanoTime() < end) {
                        store.append();
                        if (System.nanoTime() > warm) {
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
            pool.shutdown();
            return done.get() / (double) seconds;
        }
    }

    private static Store journal(Path directory, List<Event> request) throws IOException {
        Journal journal = Journal.open(
                new JournalProperties(directory, DataSize.ofGigabytes(8), DataSize.ofMegabytes(64)), Clock.systemUTC());
        return new Store() {
            @Override
            public void append() throws Exception {
                long sequence = journal.append("events", request, null).get();
                // Delivered at once, so segments are reclaimed as they would be in service.
                journal.acknowledge(sequence);
            }

            @Override
            public void close() throws IOException {
                journal.close();
            }
        };
    }

    private static Store fsyncEach(Path file, List<Event> request) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        byte[] bytes = concat(request);
        return new Store() {
            @Override
            public void append() throws IOException {
                synchronized (channel) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(false);
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    private static Store mvStore(Path file, List<Event> request) throws IOException {
        Files.createDirectories(file.getParent());
        MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()
                .open();
        MVMap<Long, byte[]> map = store.openMap("entries");
        byte[] bytes = concat(request);
        AtomicLong sequence = new AtomicLong();
        return new Store() {
            @Override
            public void append() {
                synchronized (store) {
                    long key = sequence.incrementAndGet();
                    map.put(key, bytes);
                    store.commit();
                    store.sync();
                    // Delivered at once: removed, as the journal reclaims delivered entries.
                    map.remove(key);
                }
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    private static List<Event> request(int events, int size) {
        List<Event> request = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            String id = "bench-" + i;
            String json = "{\"id\":\"" + id + "\",\"payload\":\"" + "x".repeat(size - 30) + "\"}\n";
            request.add(new Event(id, json.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private static byte[] concat(List<Event> events) {
        int size = events.stream().mapToInt(Event::size).sum();
        ByteBuffer buffer = ByteBuffer.allocate(size);
        events.forEach(event -> buffer.put(event.framed()));
        return buffer.array();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
