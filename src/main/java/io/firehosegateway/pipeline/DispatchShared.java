package io.firehosegateway.pipeline;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every stream's dispatcher shares with the others: the delivery and buffer settings, the
 * buffer's bound, the one timer, the dead letters and the clocks.
 *
 * @param delivery linger, backoff and pause settings
 * @param buffer the buffer's bound and shares, which size a key's lane
 * @param timer the pipeline's one timer, for lingers, backoffs, quota refills and resumes
 * @param budget the buffer bound every stream's records count against
 * @param deadLetters where events given up on without a client to tell are written
 * @param clock the wall clock of the delivery status
 * @param nanoClock what deadlines, pauses and throttling intervals are measured on
 */
record DispatchShared(
        PipelineProperties.Delivery delivery,
        PipelineProperties.Buffer buffer,
        ScheduledExecutorService timer,
        BufferBudget budget,
        DeadLetterStore deadLetters,
        Clock clock,
        NanoClock nanoClock) {}
