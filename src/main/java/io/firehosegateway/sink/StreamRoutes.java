package io.firehosegateway.sink;

import java.util.List;

/**
 * Where the pipeline sends each stream, as the sinks need to know it: to size their clients and to
 * check their destinations at start. The pipeline publishes it; sinks read it, so dependencies point
 * from the pipeline to the sinks and never back.
 *
 * @param routes one per stream, the default stream first
 * @param maxInFlightPerStream calls each stream keeps in flight at most
 */
public record StreamRoutes(List<Route> routes, int maxInFlightPerStream) {

    public StreamRoutes {
        routes = List.copyOf(routes);
    }

    /**
     * One stream's route.
     *
     * @param stream the stream's name in the gateway's API
     * @param destination the name of what it is sent to at the sink (a delivery stream, a queue)
     */
    public record Route(String stream, String destination) {}

    /** The destinations, each once, in the order of their streams. */
    public List<String> destinations() {
        return routes.stream().map(Route::destination).distinct().toList();
    }

    /** Calls in flight at most to all destinations together: what a client's connection pool needs. */
    public int maxInFlight() {
        return maxInFlightPerStream * routes.size();
    }
}
