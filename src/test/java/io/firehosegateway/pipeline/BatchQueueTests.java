package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.firehosegateway.sink.firehose.FirehoseLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When the open batch goes: the linger's timers run by hand, so no test waits for a clock. */
class BatchQueueTests {

    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long CLIENT_WAITS = Long.MAX_VALUE / 2;

    private final DeliveryTicket ticket = new DeliveryTicket("events", 10_000);
    private final Deque<Runnable> timers = new ArrayDeque<>();
    private final List<BatchQueue.Lingering> lingered = new ArrayList<>();
    private final BatchQueue queue = new BatchQueue(FirehoseLimits.LIMITS, 0, delivery(), scheduler(), lingered::add);

    /** Its linger, and a batch that filled during calls waiting out its linger at an idle stream. */
    private static PipelineProperties.Delivery delivery() {
        return PipelineTestSupport.properties(
                        DeliveryMode.CONFIRMED,
                        Duration.ofSeconds(10),
                        0,
                        Duration.ofNanos(LINGER_NANOS),
                        true,
                        false,
                        1,
                        PipelineProperties.Quota.NONE,
                        1)
                .delivery();
    }

    private ScheduledExecutorService scheduler() {
        ScheduledExecutorService scheduler = mock(ScheduledExecutorService.class);
        when(scheduler.schedule(any(Runnable.class), anyLong(), any())).thenAnswer(call -> {
            timers.add(call.getArgument(0));
            return mock(ScheduledFuture.class);
        });
        return scheduler;
    }

    private void add(int events) {
        add(queue, events);
    }

    private void add(BatchQueue to, int events) {
        byte[] framed = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < events; i++) {
            to.add(framed, null, "id", ticket, i, CLIENT_WAITS);
        }
    }

    /** Runs the latest linger timer and returns the batch it names. */
    private BatchQueue.Lingering lingerPasses() {
        timers.removeLast().run();
        return lingered.get(lingered.size() - 1);
    }

    @Test
    void aHalfFullBatchKeepsFillingForASecondLingerWhileACallIsInFlight() {
        add(300);

        assertThat(queue.lingerPassed(lingerPasses(), true)).isFalse();
        assertThat(queue.peekSendable(false)).isNull();

        add(200);
        queue.sealIfFull();
        assertThat(queue.peekSendable(false)).hasSize(500);
    }

    @Test
    void aHeldBatchGoesAtItsSecondLingerEvenIfNotFull() {
        add(300);
        queue.lingerPassed(lingerPasses(), true);

        assertThat(queue.lingerPassed(lingerPasses(), true)).isTrue();
        assertThat(queue.peekSendable(false)).hasSize(300);
    }

    @Test
    void aHeldBatchGoesAtOnceWhenTheStreamFallsIdle() {
        add(300);
        queue.lingerPassed(lingerPasses(), true);

        assertThat(queue.peekSendable(true)).hasSize(300);
    }

    @Test
    void aBatchUnderHalfFullGoesAtItsLinger() {
        add(249);

        assertThat(queue.lingerPassed(lingerPasses(), true)).isTrue();
        assertThat(queue.peekSendable(false)).hasSize(249);
    }

    @Test
    void aHalfFullBatchGoesAtItsLingerWhenNoCallIsInFlight() {
        add(300);

        assertThat(queue.lingerPassed(lingerPasses(), false)).isTrue();
        assertThat(queue.peekSendable(false)).hasSize(300);
    }

    @Test
    void whileDrainingAHalfFullBatchGoesAtOnce() {
        add(300);
        BatchQueue.Lingering batch = lingerPasses();
        queue.drain();

        assertThat(queue.lingerPassed(batch, true)).isTrue();
        assertThat(queue.peekSendable(false)).hasSize(300);
    }

    @Test
    void aBatchThatFilledWhileCallsWereInFlightWaitsOutItsLingerWhenTheStreamFallsIdle() {
        add(10);
        queue.callEnded(true);

        assertThat(queue.peekSendable(true)).isNull();

        assertThat(queue.lingerPassed(lingerPasses(), false)).isTrue();
        assertThat(queue.peekSendable(true)).hasSize(10);
    }

    @Test
    void anEventArrivingAtAnIdleStreamWithNoBatchOpenGoesAtOnce() {
        queue.callEnded(true);
        add(1);

        assertThat(queue.peekSendable(true)).hasSize(1);
    }

    @Test
    void theBatchAfterAHeldOneGoesAtOnceIfItOpensAtAnIdleStream() {
        add(10);
        queue.callEnded(true);
        queue.lingerPassed(lingerPasses(), false);
        assertThat(queue.peekSendable(true)).hasSize(10);
        queue.poll();
        queue.callEnded(true);

        add(1);

        assertThat(queue.peekSendable(true)).hasSize(1);
    }

    @Test
    void aHalfFullBatchHeldForASecondLingerStillGoesAtOnceWhenTheStreamFallsIdle() {
        add(300);
        queue.lingerPassed(lingerPasses(), true);
        queue.callEnded(true);

        assertThat(queue.peekSendable(true)).hasSize(300);
    }

    @Test
    void aBatchOpenedWhenTheOneBeforeFilledLingersOnceMoreWhileACallIsInFlight() {
        add(600);
        assertThat(queue.poll()).hasSize(500);

        assertThat(queue.lingerPassed(lingerPasses(), true)).isFalse();
        assertThat(queue.peekSendable(false)).isNull();

        add(400);
        queue.sealIfFull();
        assertThat(queue.peekSendable(false)).hasSize(500);
    }

    @Test
    void aBatchOpenedWhenTheOneBeforeFilledGoesAtItsSecondLingerEvenIfNotFull() {
        add(600);
        queue.poll();
        queue.lingerPassed(lingerPasses(), true);

        assertThat(queue.lingerPassed(lingerPasses(), true)).isTrue();
        assertThat(queue.peekSendable(false)).hasSize(100);
    }

    @Test
    void aBatchOpenedWhenTheOneBeforeFilledGoesAtItsLingerWhenNoCallIsInFlight() {
        add(600);
        queue.poll();

        assertThat(queue.lingerPassed(lingerPasses(), false)).isTrue();
        assertThat(queue.peekSendable(false)).hasSize(100);
    }

    @Test
    void aBatchOpenedWhenTheOneBeforeFilledStillGoesAtOnceWhenTheStreamFallsIdle() {
        add(600);
        queue.poll();
        queue.lingerPassed(lingerPasses(), true);
        queue.callEnded(true);

        assertThat(queue.peekSendable(true)).hasSize(100);
    }

    @Test
    void aBatchOpenedWhenTheOneBeforeLeftPartFullGoesAtItsLinger() {
        add(600);
        queue.poll();
        queue.lingerPassed(lingerPasses(), true);
        queue.lingerPassed(lingerPasses(), true);
        assertThat(queue.peekSendable(false)).hasSize(100);
        queue.poll();

        add(100);

        assertThat(queue.lingerPassed(lingerPasses(), true)).isTrue();
        assertThat(queue.peekSendable(false)).hasSize(100);
    }

    @Test
    void withLingerAgainAfterFullOffABatchOpenedWhenTheOneBeforeFilledGoesAtItsLinger() {
        PipelineProperties.Delivery defaults = delivery();
        PipelineProperties.Delivery off = new PipelineProperties.Delivery(
                defaults.mode(),
                defaults.timeout(),
                defaults.configurationFaultPause(),
                defaults.drainTimeout(),
                defaults.deadLetterDirectory(),
                defaults.linger(),
                defaults.sendWhenIdle(),
                defaults.sendWhenIdleAfterCalls(),
                false,
                defaults.maxInFlight(),
                defaults.initialBackoff(),
                defaults.maxBackoff());
        BatchQueue withoutRule = new BatchQueue(FirehoseLimits.LIMITS, 0, off, scheduler(), lingered::add);
        add(withoutRule, 600);
        withoutRule.poll();

        assertThat(withoutRule.lingerPassed(lingerPasses(), true)).isTrue();
        assertThat(withoutRule.peekSendable(false)).hasSize(100);
    }
}
