package io.firehosegateway.pipeline;

import io.firehosegateway.sink.FailureKind;
import java.time.Instant;

/**
 * How one stream's recent calls went, for the health endpoint: learned from the calls the gateway
 * makes anyway, never from polling the destination.
 *
 * @param lastSuccess when a call last succeeded, or {@code null}
 * @param lastFailure when a call last failed whole, or {@code null}
 * @param lastFailureKind what kind of failure that was, or {@code null}
 * @param lastFailureCode the destination's code for it, or {@code null}
 * @param consecutiveFailures whole-call failures since the last success
 * @param pausedUntil while delivery is paused after a configuration fault, until when; else {@code null}
 */
public record DeliveryStatus(
        Instant lastSuccess,
        Instant lastFailure,
        FailureKind lastFailureKind,
        String lastFailureCode,
        int consecutiveFailures,
        Instant pausedUntil) {

    static final DeliveryStatus NONE = new DeliveryStatus(null, null, null, null, 0, null);

    DeliveryStatus succeeded(Instant now) {
        return new DeliveryStatus(now, lastFailure, lastFailureKind, lastFailureCode, 0, null);
    }

    DeliveryStatus failed(Instant now, FailureKind kind, String code) {
        return new DeliveryStatus(lastSuccess, now, kind, code, consecutiveFailures + 1, pausedUntil);
    }

    DeliveryStatus paused(Instant until) {
        return new DeliveryStatus(
                lastSuccess, lastFailure, lastFailureKind, lastFailureCode, consecutiveFailures, until);
    }

    /** Whether the last call failed because the configuration is wrong. */
    public boolean misconfigured() {
        return consecutiveFailures > 0 && lastFailureKind == FailureKind.CONFIGURATION;
    }

    /**
     * Whether a configuration fault holds the stream: it was paused for one and has not delivered
     * since, its last attempt failing the same way. True across the pauses and the attempts between.
     */
    public boolean heldByConfigurationFault() {
        return pausedUntil != null && misconfigured();
    }
}
