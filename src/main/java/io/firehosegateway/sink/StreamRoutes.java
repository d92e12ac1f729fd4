package io.firehosegateway.sink;

import java.util.List;
import java.util.Map;

/**
 * Where the pipeline sends each stream, as the sinks need to know it: to size their clients and to
 * check their destinations at start. The pipeline publishes it; sinks read it, so dependencies point
 * from the pipeline to the sinks and never back.
 *
 * @param routes one per stream, the default stream first
 * @param maxInFlightPerStream calls each stream keeps in flight at most, unless it has its own cap
 * @param maxInFlightOfStream the streams that have their own cap, by name
 */
public record StreamRoutes(List<Route> routes, int maxInFlightPerStream, Map<String, Integer> maxInFlightOfStream) {

    public StreamRoutes {
        routes = List.copyOf(routes);
        maxInFlightOfStream = Map.copyOf(maxInFlightOfStream);
    }

    /** Routes whose streams all keep {@code maxInFlightPerStream} calls in flight at most. */
    public StreamRoutes(List<Route> routes, int maxInFlightPerStream) {
        this(routes, maxInFlightPerStream, Map.of());
    }

    /**
     * One stream's route.
     *
     * @param stream the stream's name in the gateway's API
     * @param destination the name of what it is sent to at the sink (a delivery stream, a queue)
     * @param sink the kind of sink it is sent to
     * @param keyed whether the stream sets a {@code partition-key}, so that an event's key is its
     *     partition even where it equals the event's id (the key of an event without the member)
     * @param packFormat how the sink packs the records of a call; {@link PackFormat#KPL} asks a
     *     Kinesis sink to aggregate the call's single-event records itself
     * @param packBytes the largest record a sink that packs may make; 0 for as large as the
     *     destination takes
     */
    public record Route(
            String stream, String destination, SinkKind sink, boolean keyed, PackFormat packFormat, int packBytes) {

        /** The route of a stream whose records the pipeline packs, if at all. */
        public Route(String stream, String destination, SinkKind sink, boolean keyed) {
            this(stream, destination, sink, keyed, PackFormat.LINES, 0);
        }

        /** The route of a stream that sets no {@code partition-key}. */
        public Route(String stream, String destination, SinkKind sink) {
            this(stream, destination, sink, false);
        }
    }

    /** The routes to one kind of sink, in the order of their streams. */
    public List<Route> routes(SinkKind sink) {
        return routes.stream().filter(route -> route.sink() == sink).toList();
    }

    /** The destinations of one kind of sink, each once, in the order of their streams. */
    public List<String> destinations(SinkKind sink) {
        return routes(sink).stream().map(Route::destination).distinct().toList();
    }

    /** Calls the route's stream keeps in flight at most: its own cap, else the one of every stream. */
    public int maxInFlight(Route route) {
        return maxInFlightOfStream.getOrDefault(route.stream(), maxInFlightPerStream);
    }

    /**
     * Calls in flight at most to one kind of sink, the sum of its routes' caps: what its client's
     * connection pool needs.
     */
    public int maxInFlight(SinkKind sink) {
        return Math.max(1, routes(sink).stream().mapToInt(this::maxInFlight).sum());
    }
}
