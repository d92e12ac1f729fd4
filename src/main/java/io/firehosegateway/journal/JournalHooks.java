package io.firehosegateway.journal;

import java.util.concurrent.TimeUnit;

/**
 * Moments in the journal's work where a test holds it, and how long closing waits for the writer.
 * They are given when the journal opens, so a test cannot change them under a running writer.
 *
 * @param beforeQueue run by an append after it found the journal open, before it queues its entry
 * @param beforeSync run by the writer after it wrote a batch, before it syncs it
 * @param closeWaitMillis how long {@link Journal#close()} waits for the writer to finish what was queued
 */
record JournalHooks(Runnable beforeQueue, Runnable beforeSync, long closeWaitMillis) {

    /** What a gateway runs with: nothing held, ten seconds for the writer at close. */
    static final JournalHooks NONE = new JournalHooks(() -> {}, () -> {}, TimeUnit.SECONDS.toMillis(10));

    JournalHooks withBeforeQueue(Runnable hook) {
        return new JournalHooks(hook, beforeSync, closeWaitMillis);
    }

    JournalHooks withBeforeSync(Runnable hook) {
        return new JournalHooks(beforeQueue, hook, closeWaitMillis);
    }

    JournalHooks withCloseWaitMillis(long millis) {
        return new JournalHooks(beforeQueue, beforeSync, millis);
    }
}
