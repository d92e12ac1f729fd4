package io.firehosegateway.pipeline;

import java.util.List;

/**
 * What became of the events of one request, by their index in the request.
 *
 * @param delivered events the destination accepted
 * @param failed events that were not delivered: the client should send them again
 * @param unknown events whose last call got no answer (reset, timeout): they may have landed, so
 *     sending them again may duplicate them
 * @param failureReason why events failed, or
 *     {@code null} when none did
 */
public record DeliveryReport(
        List<Integer> delivered, List<Integer> failed, List<Integer> unknown, FailureReason failureReason) {

    /** Whether every event was delivered. */
    public boolean complete() {
        return failed.isEmpty() && unknown.isEmpty();
    }
}
