package io.firehosegateway.generator;

import java.time.Instant;

/**
 * The state and progress of a generation job.
 *
 * @param id the job's id
 * @param stream the stream its events go to
 * @param state {@code running} or {@code done}
 * @param requested events asked for
 * @param accepted events admitted into the pipeline so far
 * @param delivered events the destination accepted so far
 * @param failed events given up on so far
 * @param started when the job started
 * @param elapsedSeconds seconds since the start, or from start to end once done
 * @param eventsPerSecond delivered events per elapsed second
 */
public record JobSummary(
        String id,
        String stream,
        String state,
        long requested,
        long accepted,
        long delivered,
        long failed,
        Instant started,
        double elapsedSeconds,
        double eventsPerSecond) {}
