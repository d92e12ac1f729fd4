package io.firehosegateway.idempotency;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by setting {@link #now}. */
final class MovableClock extends Clock {

    volatile Instant now;

    MovableClock(Instant start) {
        this.now = start;
    }

    @Override
    public ZoneOffset getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
