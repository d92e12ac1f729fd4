package io.firehosegateway.sink.aws;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The {@code amz-sdk-invocation-id} of each call, in the SDK's form (a version-4 UUID) but without
 * its cost: {@code UUID.randomUUID()} draws 16 bytes from a shared {@link SecureRandom} per call,
 * under its lock. The header only tells one call from another in the service's logs, so a random
 * half drawn once and a counter for the other half serve: unique for 2<sup>62</sup> calls of one
 * client, and as unlikely as two random UUIDs to meet another client's.
 */
final class InvocationIds implements Supplier<String> {

    private static final long VERSION_MASK = 0xffff_ffff_ffff_0fffL;
    private static final long VERSION_4 = 0x0000_0000_0000_4000L;
    private static final long COUNTER_MASK = 0x3fff_ffff_ffff_ffffL;
    private static final long VARIANT_IETF = 0x8000_0000_0000_0000L;

    private final long high;
    private final AtomicLong next;

    InvocationIds() {
        this(new SecureRandom());
    }

    InvocationIds(SecureRandom random) {
        this.high = random.nextLong() & VERSION_MASK | VERSION_4;
        this.next = new AtomicLong(random.nextLong());
    }

    @Override
    public String get() {
        return new UUID(high, next.getAndIncrement() & COUNTER_MASK | VARIANT_IETF).toString();
    }
}
