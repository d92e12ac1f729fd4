package io.firehosegateway.generator;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** One generation job's counters; written by the generator's steps and by delivery callbacks, read by anyone. */
final class GenerationJob {

    final String id;
    final String stream;
    final long requested;
    /** The API key's name that started it; only it may read the job's summary. */
    final String owner;

    final Instant started;
    final long startNanos = System.nanoTime();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    /** Chunks submitted whose delivery is not settled yet, plus one while the job is still submitting. */
    final AtomicLong unsettled = new AtomicLong(1);

    final CompletableFuture<JobSummary> finished = new CompletableFuture<>();
    private volatile long endNanos;

    GenerationJob(String id, String stream, long requested, String owner, Instant started) {
        this.id = id;
        this.stream = stream;
        this.requested = requested;
        this.owner = owner;
        this.started = started;
    }

    /** Called when a chunk settles or submission ends; the last one finishes the job. */
    void settleOne() {
        if (unsettled.decrementAndGet() == 0) {
            endNanos = System.nanoTime();
            // Not summary(): the future is not complete yet, so it would still say running.
            finished.complete(summary(true));
        }
    }

    boolean done() {
        return finished.isDone();
    }

    JobSummary summary() {
        return summary(done());
    }

    private JobSummary summary(boolean done) {
        long end = done ? endNanos : System.nanoTime();
        double elapsed = (end - startNanos) / 1e9;
        long deliveredNow = delivered.get();
        return new JobSummary(
                id,
                stream,
                done ? "done" : "running",
                requested,
                accepted.get(),
                deliveredNow,
                failed.get(),
                started,
                Math.round(elapsed * 1000) / 1000.0,
                elapsed > 0 ? Math.round(deliveredNow / elapsed * 10) / 10.0 : 0);
    }
}
