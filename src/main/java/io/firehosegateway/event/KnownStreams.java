package io.firehosegateway.event;

import java.util.Set;

/**
 * The names of every stream the gateway sends to, as the pipeline settled them at start. Features
 * that check their own settings against the streams (the schemas, whose invalid events may be routed
 * to another stream) take this value rather than the pipeline, so they need not depend on it.
 *
 * @param names every stream's name
 */
public record KnownStreams(Set<String> names) {

    public KnownStreams {
        names = Set.copyOf(names);
    }
}
