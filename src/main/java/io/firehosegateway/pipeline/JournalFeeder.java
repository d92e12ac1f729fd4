package io.firehosegateway.pipeline;

import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the journal in order and hands its entries to the pipeline as buffer room allows, taking at
 * most the background share so clients' bodies can still be read while the destination is down.
 * An entry is acknowledged, and its disk space freed in time, once all its events were delivered or
 * dead-lettered. Entries left at a crash are read again at the next start: at least once.
 */
final class JournalFeeder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JournalFeeder.class);

    private final Journal journal;
    private final Pipeline pipeline;
    private volatile boolean running;
    private Thread thread;

    JournalFeeder(Journal journal, Pipeline pipeline) {
        this.journal = journal;
        this.pipeline = pipeline;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::feed, "journal-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    private void feed() {
        while (running) {
            try {
                JournalEntry entry = journal.poll(200);
                if (entry != null) {
                    hand(entry);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // One unreadable entry must not stop delivery of the rest: it stays undelivered in
                // the journal (and is read again at the next start), the feeder goes on.
                log.error("The journal feeder could not hand an entry on; it goes on with the next", e);
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private void hand(JournalEntry entry) throws InterruptedException {
        for (JournalEntry.Part part : entry.parts()) {
            if (!pipeline.streams().contains(part.stream())) {
                log.error(
                        "Journal entry {} is for stream {}, which is no longer configured; it stays in the journal",
                        entry.sequence(),
                        part.stream());
                return;
            }
        }
        int count = 0;
        long bytes = 0;
        for (JournalEntry.Part part : entry.parts()) {
            count += part.events().size();
            for (var event : part.events()) {
                bytes += event.size();
            }
        }
        Admission admission = pipeline.admitBackground(count, bytes);
        if (!admission.reserveWhenFree(count, bytes, () -> running)) {
            return;
        }
        @SuppressWarnings("unchecked")
        Consumer<DeliveryTicket> onDelivered =
                entry.attachment() instanceof Consumer<?> consumer ? (Consumer<DeliveryTicket>) consumer : null;
        if (entry.parts().size() == 1) {
            DeliveryTicket ticket = pipeline.deliver(entry.stream(), entry.events(), admission, DeliveryMode.JOURNALED);
            ticket.done().thenAccept(settled -> {
                journal.acknowledge(entry.sequence());
                if (onDelivered != null) {
                    onDelivered.accept(settled);
                }
            });
            return;
        }
        // A routed request: acknowledged once every part was delivered or dead-lettered.
        List<DeliveryTicket> tickets = pipeline.deliver(entry.parts(), admission);
        CompletableFuture.allOf(tickets.stream().map(DeliveryTicket::done).toArray(CompletableFuture[]::new))
                .thenRun(() -> journal.acknowledge(entry.sequence()));
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the pipeline drains. */
    @Override
    public int getPhase() {
        return Pipeline.PHASE + 1;
    }
}
