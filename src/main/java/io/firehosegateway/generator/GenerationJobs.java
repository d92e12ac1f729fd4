package io.firehosegateway.generator;

import io.firehosegateway.event.Event;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryTicket;
import io.firehosegateway.pipeline.GatewayFullException;
import io.firehosegateway.pipeline.PartitionKeyBacklogException;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.Promise;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.RetryableProblemException;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs generation jobs. A job admits its events in chunks as buffer room frees, taking at most the
 * share left for background work ({@link Pipeline#BACKGROUND_CEILING}), so client requests always
 * find room first. Stops before the pipeline drains.
 *
 * <p>Jobs hold no thread: each is a series of steps on one shared generator thread, and a job that
 * waits for room or for the journal is rescheduled, not parked. How many run at once is bounded, in
 * all and per API key; a start past either bound is refused with {@code Retry-After}.
 */
@Component
class GenerationJobs implements SmartLifecycle {

    /** Events made and admitted at once: one full batch. */
    static final int CHUNK = 500;

    /** A refused start may try again after this: a job of the largest size takes seconds at least. */
    static final long RETRY_AFTER_SECONDS = 5;

    private static final Logger log = LoggerFactory.getLogger(GenerationJobs.class);
    private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A step gives the thread to the other jobs after this long. */
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_JOURNAL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Pipeline pipeline;
    private final GeneratorProperties properties;
    private final TestEventGenerator generator;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor steps;
    private final Map<String, GenerationJob> jobs = new LinkedHashMap<>();
    private final Map<String, Integer> runningByOwner = new HashMap<>();
    private int runningJobs;
    private volatile boolean running;

    GenerationJobs(Pipeline pipeline, GeneratorProperties properties, Clock clock) {
        this.pipeline = pipeline;
        this.properties = properties;
        this.generator = new TestEventGenerator(clock);
        this.clock = clock;
        this.steps = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "generator");
            thread.setDaemon(true);
            return thread;
        });
        this.steps.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts a job of {@code count} events to {@code stream} for {@code owner}; the caller checked
     * the stream and the count.
     *
     * @param envelope adds the stream's metadata to each chunk of events as it is made
     * @throws RetryableProblemException when the owner, or the gateway, runs as many jobs as it may
     */
    GenerationJob start(String stream, long count, String owner, UnaryOperator<List<Event>> envelope) {
        GenerationJob job = new GenerationJob(UUID.randomUUID().toString(), stream, count, owner, clock.instant());
        synchronized (jobs) {
            if (runningByOwner.getOrDefault(owner, 0) >= properties.maxRunningJobsPerKey()) {
                throw new RetryableProblemException(
                                ProblemType.TOO_MANY_JOBS,
                                "This key runs " + properties.maxRunningJobsPerKey()
                                        + " generation jobs already, as many as it may; try again when one is done",
                                RETRY_AFTER_SECONDS)
                        .with("maxRunningJobsPerKey", properties.maxRunningJobsPerKey());
            }
            if (runningJobs >= properties.maxRunningJobs()) {
                throw new RetryableProblemException(
                                ProblemType.GENERATOR_BUSY,
                                "The gateway runs " + properties.maxRunningJobs()
                                        + " generation jobs already, as many as it may; try again later",
                                RETRY_AFTER_SECONDS)
                        .with("maxRunningJobs", properties.maxRunningJobs());
            }
            runningJobs++;
            runningByOwner.merge(owner, 1, Integer::sum);
            jobs.put(job.id, job);
            evictFinished();
        }
        job.finished.whenComplete((summary, failure) -> {
            synchronized (jobs) {
                runningJobs--;
                runningByOwner.computeIfPresent(owner, (name, jobsOfOwner) -> jobsOfOwner > 1 ? jobsOfOwner - 1 : null);
            }
        });
        log.info("Generation job {} started: {} events to stream {}", job.id, count, stream);
        steps.execute(() -> step(new Run(job, envelope)));
        return job;
    }

    /** The job, if it exists and {@code owner} started it; another key's job is not found. */
    Optional<GenerationJob> find(String id, String owner) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(id)).filter(job -> job.owner.equals(owner));
        }
    }

    private void evictFinished() {
        var iterator = jobs.values().iterator();
        while (jobs.size() > properties.retainedJobs() && iterator.hasNext()) {
            if (iterator.next().done()) {
                iterator.remove();
            }
        }
    }

    /**
     * Admits chunks until the job is submitted, its slice is used up, or the buffer or the journal
     * has no room; in the last two cases it schedules its next step and returns.
     */
    private void step(Run run) {
        GenerationJob job = run.job;
        try {
            long sliceEnd = System.nanoTime() + SLICE_NANOS;
            while (true) {
                if (!running || run.sequence >= job.requested) {
                    run.submitted();
                    return;
                }
                List<Event> events = run.chunk(generator);
                // A chunk larger than the background share (a tiny buffer's bytes) may use the whole
                // buffer rather than wait forever.
                Admission admission = pipeline.admitBackground(events.size(), run.chunkBytes);
                if (!admission.tryReserve(events.size(), run.chunkBytes)) {
                    run.later(MAX_WAIT_NANOS);
                    return;
                }
                Promise promise = accept(run, events, admission);
                if (promise == null) {
                    return;
                }
                if (!promise.taken().isDone() || promise.taken().isCompletedExceptionally()) {
                    // The journal writes the chunk: the next step follows once it is on disk.
                    promise.taken().whenComplete((ignored, failure) -> taken(run, admission, failure));
                    return;
                }
                // Held in memory, or already on disk: in the journaled mode its room is given back.
                admission.close();
                run.advance();
                if (System.nanoTime() - sliceEnd > 0) {
                    steps.execute(() -> step(run));
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.error("Generation job {} failed and stops", job.id, e);
            run.submitted();
        }
    }

    /**
     * Hands a chunk to the pipeline in the gateway's mode; {@code null} when the journal is full, and
     * the job then tries again later.
     */
    private Promise accept(Run run, List<Event> events, Admission admission) {
        GenerationJob job = run.job;
        job.unsettled.incrementAndGet();
        try {
            return pipeline.accept(job.stream, events, admission, pipeline.mode(), run.settle);
        } catch (GatewayFullException | PartitionKeyBacklogException e) {
            // A full journal, or a per-key stream with one of the chunk's keys backed up: later.
            job.unsettled.decrementAndGet();
            admission.close();
            run.later(MAX_JOURNAL_WAIT_NANOS);
            return null;
        } catch (RuntimeException e) {
            // A chunk the journal can never hold (a journal smaller than a chunk): the job stops.
            job.unsettled.decrementAndGet();
            admission.close();
            throw e;
        }
    }

    /** A chunk the journal wrote, or could not: the job goes on with its next step, or stops. */
    private void taken(Run run, Admission admission, Throwable failure) {
        GenerationJob job = run.job;
        // In the journaled mode the journal holds the events now: their memory is given back.
        admission.close();
        if (failure != null) {
            log.error("Generation job {}: could not journal events; the job stops", job.id, failure);
            job.settleOne();
            run.submitted();
            return;
        }
        run.advance();
        steps.execute(() -> step(run));
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the pipeline drains, so no new chunk arrives while it does. */
    @Override
    public int getPhase() {
        return Pipeline.PHASE + 1;
    }

    /** Where a job is: its next chunk, how long it last waited, when it last logged. */
    private final class Run {

        final GenerationJob job;
        final Consumer<DeliveryTicket> settle;
        final UnaryOperator<List<Event>> envelope;
        long sequence;
        List<Event> chunk;
        long chunkBytes;
        long waitNanos = MIN_WAIT_NANOS;
        long lastLog = System.nanoTime();
        boolean submitted;

        Run(GenerationJob job, UnaryOperator<List<Event>> envelope) {
            this.job = job;
            this.envelope = envelope;
            this.settle = settled -> {
                job.delivered.addAndGet(settled.deliveredCount());
                job.failed.addAndGet(settled.failedCount());
                job.settleOne();
            };
        }

        /** The next chunk of events, made once and kept until it is admitted. */
        List<Event> chunk(TestEventGenerator generator) {
            if (chunk == null) {
                int count = (int) Math.min(Math.min(CHUNK, pipeline.maxBackgroundChunk()), job.requested - sequence);
                // Sized with the metadata, so the chunk's admission reserves the bytes it adds.
                chunk = envelope.apply(generator.events(job.id, sequence, count));
                chunkBytes = 0;
                for (Event event : chunk) {
                    chunkBytes += event.size();
                }
            }
            return chunk;
        }

        /** The chunk was taken: move on, and log the progress now and then. */
        void advance() {
            job.accepted.addAndGet(chunk.size());
            sequence += chunk.size();
            chunk = null;
            waitNanos = MIN_WAIT_NANOS;
            if (System.nanoTime() - lastLog > PROGRESS_LOG_NANOS) {
                lastLog = System.nanoTime();
                JobSummary progress = job.summary();
                log.info(
                        "Generation job {}: {} of {} accepted, {} delivered, {} failed, {} events/s",
                        job.id,
                        progress.accepted(),
                        progress.requested(),
                        progress.delivered(),
                        progress.failed(),
                        progress.eventsPerSecond());
            }
        }

        /** Tries again after a wait that doubles from 1 ms up to {@code maxNanos}. */
        void later(long maxNanos) {
            long wait = Math.min(waitNanos, maxNanos);
            waitNanos = Math.min(waitNanos * 2, maxNanos);
            steps.schedule(() -> step(this), wait, TimeUnit.NANOSECONDS);
        }

        /** Submission ended, done or stopped: the job finishes once what it submitted settles. */
        void submitted() {
            if (submitted) {
                return;
            }
            submitted = true;
            job.finished.thenAccept(summary -> log.info(
                    "Generation job {} done: {} of {} delivered, {} failed in {} s ({} events/s)",
                    summary.id(),
                    summary.delivered(),
                    summary.requested(),
                    summary.failed(),
                    summary.elapsedSeconds(),
                    summary.eventsPerSecond()));
            job.settleOne();
        }
    }
}
