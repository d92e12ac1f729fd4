package io.firehosegateway.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InvocationIdsTests {

    @Test
    void idsTakenOnManyThreadsAtOnceAreAllDifferent() throws Exception {
        InvocationIds ids = new InvocationIds();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        int threads = 4;
        int each = 25_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> takers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                takers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        seen.add(ids.get());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> taker : takers) {
                taker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(threads * each);
    }

    @Test
    void eachIdIsAVersionFourUuidAsTheSdkSends() {
        InvocationIds ids = new InvocationIds(fixed(0x0123_4567_89ab_cdefL, 0x3fff_ffff_ffff_fffeL));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String id = ids.get();
            seen.add(id);
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
        }
        assertThat(seen).hasSize(4);
    }

    @Test
    void twoClientsDoNotShareIds() {
        InvocationIds one = new InvocationIds();
        InvocationIds other = new InvocationIds();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 1_000; i++) {
            seen.add(one.get());
            seen.add(other.get());
        }
        assertThat(seen).hasSize(2_000);
    }

    /** A source whose draws are known, so the counter is seen across the edge of its 62 bits. */
    private static SecureRandom fixed(long high, long counter) {
        return new SecureRandom() {
            private int draws;

            @Override
            public long nextLong() {
                return draws++ == 0 ? high : counter;
            }
        };
    }
}
