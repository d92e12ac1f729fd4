package io.firehosegateway.pipeline;

import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.StreamRoutes;
import java.util.HashMap;
import java.util.Map;

/**
 * A throughput quota belongs to what is written to, not to the gateway stream that writes: two
 * streams sent to one Kinesis stream (or one delivery stream, one queue) share its quota. The quota
 * is set on any of them; streams that set different quotas for one destination fail the start, since
 * either figure would be wrong for one of them.
 */
final class DestinationQuotas {

    private final PipelineProperties properties;
    private final Map<String, String> setBy = new HashMap<>();
    private final Map<String, StreamQuota> shared = new HashMap<>();

    DestinationQuotas(PipelineProperties properties) {
        this.properties = properties;
        for (String stream : properties.streamNames()) {
            PipelineProperties.Quota quota = properties.stream(stream).quota();
            if (quota == null || !quota.isSet()) {
                continue;
            }
            String destination = destinationOf(stream);
            String other = setBy.putIfAbsent(destination, stream);
            if (other != null && !properties.stream(other).quota().equals(quota)) {
                throw new IllegalArgumentException("gateway.streams." + other + ".quota and gateway.streams." + stream
                        + ".quota differ, but both streams are sent to " + destination
                        + ", whose quota they share: set it on one of them, or the same on both");
            }
        }
    }

    /** The quota of the route's destination, the same object for every stream sent there; null when none is set. */
    StreamQuota of(StreamRoutes.Route route, SinkLimits limits) {
        String destination = key(route);
        String stream = setBy.get(destination);
        if (stream == null) {
            return null;
        }
        return shared.computeIfAbsent(
                destination,
                ignored -> StreamQuota.of(properties.stream(stream).quota(), properties.replicas(), limits));
    }

    private String destinationOf(String stream) {
        return key(new StreamRoutes.Route(stream, properties.destination(stream), properties.sink(stream)));
    }

    private static String key(StreamRoutes.Route route) {
        return route.sink().value() + " destination " + route.destination();
    }
}
