package io.firehosegateway.pipeline;

import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.StreamRoutes;

/**
 * Where one stream's records go: asked of its sink once, at the start, and fixed from then on.
 *
 * @param route the stream, its destination and its sink's kind
 * @param sink the sink that sends the stream's records
 * @param limits the limits of one call to the destination, as its sink described them at the start
 */
record StreamDestination(StreamRoutes.Route route, Sink sink, SinkLimits limits) {

    String stream() {
        return route.stream();
    }
}
