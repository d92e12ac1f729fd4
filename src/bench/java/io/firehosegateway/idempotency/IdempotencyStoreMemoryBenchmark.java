package io.firehosegateway.idempotency;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The embedded store's memory as it fills: the heap in use after a full GC, and the file's size,
 * every {@code step} keys up to {@code keys} (one million by default), each key kept with an answer
 * of the size a one-event request gets. Run with a small heap, after {@code ./mvnw -Pbench
 * test-compile}: {@code java -Xmx256m -cp target/test-classes:target/classes:<runtime classpath>
 * io.firehosegateway.idempotency.IdempotencyStoreMemoryBenchmark 1000000}.
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
        try (EmbeddedIdempotencyStore store = new EmbeddedIdempotencyStore(directory)) {
            report(0, memory, directory);
            for (int i = 1; i <= keys; i++) {
                String id = UUID.randomUUID().toString();
                String key = "bench-client\n" + id;
                store.claim(key, Instant.now());
                byte[] body = ("{\"accepted\":1,\"ids\":[\"" + id + "\"]}").getBytes(StandardCharsets.UTF_8);
                store.keep(key, new IdempotencyStore.Kept(fingerprint, expires, new KeptAnswer(200, Map.of(), body)));
                if (i % step == 0) {
                    report(i, memory, directory);
                }
            }
            System.out.printf("store size: %d keys%n", store.size());
        }
    }

    private static void report(int keys, MemoryMXBean memory, Path directory) throws Exception {
        System.gc();
        long heap = memory.getHeapMemoryUsage().getUsed();
        Path file = directory.resolve(EmbeddedIdempotencyStore.FILE_NAME);
        long bytes = Files.exists(file) ? Files.size(file) : 0;
        System.out.printf("| %,d | %.1f | %.1f |%n", keys, heap / 1048576.0, bytes / 1048576.0);
    }
}
