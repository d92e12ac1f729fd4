package io.firehosegateway.generator;

import io.firehosegateway.event.Event;
import io.firehosegateway.event.TestEventGenerator;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.DeliveryTicket;
import io.firehosegateway.pipeline.GatewayFullException;
import io.firehosegateway.pipeline.Pipeline;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs generation jobs. A job admits its events in chunks as buffer room frees, taking at most the
 * share left for background work ({@link Pipeline#BACKGROUND_CEILING}), so client requests always
 * find room first. Stops before the pipeline drains.
 */
@Component
class GenerationJobs implements SmartLifecycle {

    /** Events made and admitted at once: one full batch. */
    static final int CHUNK = 500;

    private static final Logger log = LoggerFactory.getLogger(GenerationJobs.class);
    private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Pipeline pipeline;
    private final GeneratorProperties properties;
    private final TestEventGenerator generator;
    private final Clock clock;
    private final Map<String, GenerationJob> jobs = new LinkedHashMap<>();
    private volatile boolean running;

    GenerationJobs(Pipeline pipeline, GeneratorProperties properties, Clock clock) {
        this.pipeline = pipeline;
        this.properties = properties;
        this.generator = new TestEventGenerator(clock);
        this.clock = clock;
    }

    /** Starts a job of {@code count} events to {@code stream}; the caller checked both. */
    GenerationJob start(String stream, long count) {
        GenerationJob job = new GenerationJob(UUID.randomUUID().toString(), stream, count, clock.instant());
        synchronized (jobs) {
            jobs.put(job.id, job);
            evictFinished();
        }
        Thread thread = new Thread(() -> run(job), "generator-" + job.id.substring(0, 8));
        thread.setDaemon(true);
        thread.start();
        log.info("Generation job {} started: {} events to stream {}", job.id, count, stream);
        return job;
    }

    Optional<GenerationJob> find(String id) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(id));
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

    private void run(GenerationJob job) {
        try {
            generate(job);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void generate(GenerationJob job) throws InterruptedException {
        long sequence = 0;
        long lastLog = System.nanoTime();
        try {
            while (sequence < job.requested && running) {
                int count = (int) Math.min(CHUNK, job.requested - sequence);
                List<Event> events = generator.events(job.id, sequence, count);
                long bytes = 0;
                for (Event event : events) {
                    bytes += event.size();
                }
                Admission admission = pipeline.admitBackground();
                if (!admission.reserveWhenFree(count, bytes, () -> running)) {
                    return;
                }
                job.unsettled.incrementAndGet();
                Consumer<DeliveryTicket> settle = settled -> {
                    job.delivered.addAndGet(settled.deliveredCount());
                    job.failed.addAndGet(settled.failedCount());
                    job.settleOne();
                };
                if (pipeline.mode() == DeliveryMode.JOURNALED) {
                    if (!journal(job, events, settle, admission)) {
                        job.settleOne();
                        return;
                    }
                } else {
                    pipeline.submit(job.stream, events, admission, pipeline.mode())
                            .done()
                            .thenAccept(settle);
                }
                job.accepted.addAndGet(count);
                sequence += count;
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
        } finally {
            job.settleOne();
            job.finished.thenAccept(summary -> log.info(
                    "Generation job {} done: {} of {} delivered, {} failed in {} s ({} events/s)",
                    summary.id(),
                    summary.delivered(),
                    summary.requested(),
                    summary.failed(),
                    summary.elapsedSeconds(),
                    summary.eventsPerSecond()));
        }
    }

    /** Journals a chunk, waiting while the journal is full; false when the job must stop. */
    private boolean journal(GenerationJob job, List<Event> events, Consumer<DeliveryTicket> settle, Admission admission)
            throws InterruptedException {
        try (admission) {
            long wait = TimeUnit.MILLISECONDS.toNanos(10);
            while (running) {
                try {
                    pipeline.journal(job.stream, events, settle).get();
                    return true;
                } catch (GatewayFullException e) {
                    LockSupport.parkNanos(wait);
                    wait = Math.min(wait * 2, TimeUnit.SECONDS.toNanos(1));
                } catch (ExecutionException e) {
                    log.error("Generation job {}: could not journal events; the job stops", job.id, e.getCause());
                    return false;
                }
            }
            return false;
        }
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
}
