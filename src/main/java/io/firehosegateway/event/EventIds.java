package io.firehosegateway.event;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered UUIDs (version 7, RFC 9562) for events that arrive without an id: 48 bits of Unix
 * milliseconds, then 74 random bits, so ids sort by arrival and never need coordination between
 * replicas.
 */
public final class EventIds {

    private EventIds() {}

    /** A new version 7 UUID for the current millisecond. */
    public static UUID timeOrdered() {
        return timeOrdered(System.currentTimeMillis());
    }

    static UUID timeOrdered(long unixMillis) {
        // ThreadLocalRandom: ids need uniqueness, not secrecy, and SecureRandom would be the hot path.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long mostSignificant = (unixMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long leastSignificant = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(mostSignificant, leastSignificant);
    }
}
