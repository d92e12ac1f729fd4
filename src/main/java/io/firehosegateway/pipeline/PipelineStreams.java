package io.firehosegateway.pipeline;

import io.firehosegateway.metrics.GatewayMetrics;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The streams a pipeline runs, as {@link PipelineAssembly} made them at the start.
 *
 * @param budget the buffer bound every stream shares
 * @param timer the one timer of every stream's lingers, backoffs and confirmed requests' deadlines
 * @param dispatchers each stream's dispatcher, the default stream first
 * @param meters each stream's meters
 */
record PipelineStreams(
        BufferBudget budget,
        ScheduledThreadPoolExecutor timer,
        Map<String, StreamDispatcher> dispatchers,
        Map<String, GatewayMetrics.StreamMeters> meters) {}
