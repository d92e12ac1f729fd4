package io.firehosegateway.pipeline;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * Lets a batch go only when the stream's quota can pay for it; otherwise asks for one wake-up when
 * it will. Not thread-safe: its dispatcher guards it.
 */
final class QuotaGate {

    private final StreamQuota quota;
    private final LongConsumer wakeIn;
    private boolean wakeScheduled;

    /**
     * @param quota the stream's quota, or {@code null} for none
     * @param wakeIn schedules the dispatcher to try again in so many nanoseconds
     */
    QuotaGate(StreamQuota quota, LongConsumer wakeIn) {
        this.quota = quota;
        this.wakeIn = wakeIn;
    }

    /** Pays for the batch if the quota allows it now, else schedules a wake-up and says no. */
    boolean tryPass(List<PendingRecord> batch) {
        if (quota == null) {
            return true;
        }
        long bytes = 0;
        for (PendingRecord record : batch) {
            bytes += record.data.length;
        }
        long wait = quota.nanosUntilAllowed(batch.size(), bytes);
        if (wait == 0) {
            quota.consume(batch.size(), bytes);
            return true;
        }
        if (!wakeScheduled) {
            wakeScheduled = true;
            wakeIn.accept(wait);
        }
        return false;
    }

    /** The wake-up came. */
    void woke() {
        wakeScheduled = false;
    }
}
