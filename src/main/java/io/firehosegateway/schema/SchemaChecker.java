package io.firehosegateway.schema;

import io.firehosegateway.event.Event;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Checks the events of one request in their order against the stream's schemas, as each is read:
 * the request parser hands over each event's tree, built in the pass that framed it, so no event is
 * parsed twice. Not thread-safe: one request, one thread.
 */
public final class SchemaChecker {

    private final StreamSchemas rules;
    private final List<InvalidEvent> invalid = new ArrayList<>();
    private final List<String> hashes = new ArrayList<>();

    SchemaChecker(StreamSchemas rules) {
        this.rules = rules;
    }

    /**
     * Checks the request's next event.
     *
     * @param asSent the event's tree as its framed form reads
     */
    public void check(Event event, JsonNode asSent) {
        StreamSchemas.Outcome outcome = rules.check(hashes.size(), event, asSent);
        hashes.add(outcome.schema() == null ? null : outcome.schema().hash());
        if (outcome.invalid() != null) {
            invalid.add(outcome.invalid());
        }
    }

    /** Checks the request's next event, reading its tree from its framed form. */
    void check(Event event) {
        check(event, StreamSchemas.treeOf(event));
    }

    /** What the events checked so far came to. */
    public SchemaCheck result() {
        return new SchemaCheck(rules, invalid, hashes);
    }
}
