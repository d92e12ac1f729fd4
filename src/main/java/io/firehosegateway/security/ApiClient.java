package io.firehosegateway.security;

import java.util.Set;

/**
 * A caller the gateway knows by an API key: what it may do, and the name it is logged and counted by.
 *
 * @param name the key's name; never its value
 * @param streams the streams it may send to; empty for every stream
 * @param generator whether it may use the load generator
 * @param origins the origins of the pages that may use it; empty for a key kept by servers
 * @param perClient a browser key's rate limit for each client address; off for the gateway's
 */
public record ApiClient(
        String name,
        Set<String> streams,
        boolean generator,
        Set<String> origins,
        SecurityProperties.RateLimit perClient) {

    /** Every caller of a gateway that has no keys: it may do everything. */
    public static final ApiClient OPEN = new ApiClient("open", Set.of(), true);

    public ApiClient {
        streams = Set.copyOf(streams);
        origins = Set.copyOf(origins);
    }

    /** A client kept by servers: no origins. */
    public ApiClient(String name, Set<String> streams, boolean generator) {
        this(name, streams, generator, Set.of(), new SecurityProperties.RateLimit(0, 0));
    }

    /** Whether the client may send events to the stream. */
    public boolean mayUse(String stream) {
        return streams.isEmpty() || streams.contains(stream);
    }

    /**
     * Whether its key is meant to sit in a web page's source, where anyone can read it: it may then
     * only send events, from its pages.
     */
    public boolean browser() {
        return !origins.isEmpty();
    }

    /** Whether a browser key's request comes from one of its pages: its {@code Origin} is listed. */
    public boolean allowsOrigin(String origin) {
        return origin != null && origins.contains(origin);
    }
}
