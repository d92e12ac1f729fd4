package io.firehosegateway.security;

import java.util.Set;

/**
 * A caller the gateway knows by an API key: what it may do, and the name it is logged and counted by.
 *
 * @param name the key's name; never its value
 * @param streams the streams it may send to; empty for every stream
 * @param generator whether it may use the load generator
 */
public record ApiClient(String name, Set<String> streams, boolean generator) {

    /** Every caller of a gateway that has no keys: it may do everything. */
    public static final ApiClient OPEN = new ApiClient("open", Set.of(), true);

    public ApiClient {
        streams = Set.copyOf(streams);
    }

    /** Whether the client may send events to the stream. */
    public boolean mayUse(String stream) {
        return streams.isEmpty() || streams.contains(stream);
    }
}
