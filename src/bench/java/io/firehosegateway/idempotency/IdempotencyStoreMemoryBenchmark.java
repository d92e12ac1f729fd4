package io.firehosegateway.idempotency;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The embedded store's memory as it fills: the heap in use after a full GC, and the file's size,
 * every tenth of {@code keys} (one million by default), each key kept with an answer of the size a
 * one-event request gets, by {@code threads} callers at once (16 by default), as concurrent requests
 * keep theirs, so they share commits. {@code bench/idempotency-memory} builds and runs it with a
 * small heap.
 */
public final class IdempotencyStoreMemoryBenchmark {

    private IdempotencyStoreMemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int step = keys / 10;
        Path directory = Files.createTempDirectory("idempotency-memory");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Instant expires = Instant.now().plusSeconds(86_400);
        byte[] fingerprint = new byte[32];
        System.out.printf("| keys | heap in use after GC (MiB) | file (MiB) |%n| --- | --- | --- |%n");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long began = System.nanoTime();
        try (EmbeddedIdempotencyStore store = new EmbeddedIdempotencyStore(new EmbeddedFile(directory))) {
            report(0, memory, directory);
            for (int kept = 0; kept < keys; kept += step) {
                List<Callable<Void>> callers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int share = step / threads + (t < step % threads ? 1 : 0);
                    callers.add(() -> {
                        for (int i = 0; i < share; i++) {
                            keep(store, expires, fingerprint);
                        }
                        return null;
                    });
                }
                for (Future<Void> done : pool.invokeAll(callers)) {
                    done.get();
                }
                report(kept + step, memory, directory);
            }
            System.out.printf(
                    "store size: %d keys, %d threads, %.0f s%n",
                    store.size(), threads, (System.nanoTime() - began) / 1e9);
        } finally {
            pool.shutdownNow();
            // A million keys take a gigabyte or more of disk: not left behind.
            Files.deleteIfExists(directory.resolve(EmbeddedFile.FILE_NAME));
            Files.deleteIfExists(directory);
        }
    }

    private static void keep(EmbeddedIdempotencyStore store, Instant expires, byte[] fingerprint) {
        String id = UUID.randomUUID().toString();
        String key = "bench-client\n" + id;
        store.claim(key, Instant.now());
        byte[] body = ("{\"accepted\":1,\"ids\":[\"" + id + "\"]}").getBytes(StandardCharsets.UTF_8);
        store.keep(key, new IdempotencyStore.Kept(fingerprint, expires, new KeptAnswer(200, Map.of(), body)));
    }

    private static void report(int keys, MemoryMXBean memory, Path directory) throws Exception {
        System.gc();
        long heap = memory.getHeapMemoryUsage().getUsed();
        Path file = directory.resolve(EmbeddedFile.FILE_NAME);
        long bytes = Files.exists(file) ? Files.size(file) : 0;
        System.out.printf("| %,d | %.1f | %.1f |%n", keys, heap / 1048576.0, bytes / 1048576.0);
    }
}
