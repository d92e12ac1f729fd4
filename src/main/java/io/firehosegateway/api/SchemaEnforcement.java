package io.firehosegateway.api;

import io.firehosegateway.event.Event;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.RequestPart;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.schema.EventSchemas;
import io.firehosegateway.schema.InvalidEvent;
import io.firehosegateway.schema.SchemaCheck;
import io.firehosegateway.schema.SchemaChecker;
import io.firehosegateway.schema.StreamSchemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * What a stream's schema makes of a parsed request, before it is handed to the pipeline: nothing
 * when every event is valid, a {@code 400 schema-violation} when the stream rejects invalid events,
 * or the request split in two when it routes them.
 */
@Component
class SchemaEnforcement {

    private final EventSchemas schemas;
    private final Pipeline pipeline;

    SchemaEnforcement(EventSchemas schemas, Pipeline pipeline) {
        this.schemas = schemas;
        this.pipeline = pipeline;
    }

    /**
     * What the schema made of a request.
     *
     * @param schemaHashes the hash of the schema each event that goes on to the request's stream was
     *     checked against, in their order (the {@code schema-hash} metadata fact); {@code null} when
     *     the stream has no schema
     * @param routed how the request was split, when some of its events were invalid and routed;
     *     {@code null} when every event goes on to the request's stream
     */
    record Enforced(List<String> schemaHashes, Routed routed) {}

    /**
     * A request some of whose events were routed.
     *
     * @param parts the valid events for their stream (if any) and the wrapped invalid ones for the target
     * @param routedTo the stream the invalid events went to
     * @param invalid the invalid events' indexes and ids
     */
    record Routed(List<RequestPart> parts, String routedTo, List<Map<String, Object>> invalid) {

        /** The valid events, which go on to {@code stream}. */
        List<Event> valid(String stream) {
            RequestPart first = parts.get(0);
            return first.stream().equals(stream) ? first.events() : List.of();
        }

        /** This routing with the valid events of {@code stream} replaced, as the metadata envelope wrote them. */
        Routed withValid(String stream, List<Event> valid) {
            RequestPart first = parts.get(0);
            if (!first.stream().equals(stream)) {
                return this;
            }
            List<RequestPart> replaced = new ArrayList<>(parts);
            replaced.set(0, new RequestPart(stream, valid, first.indexes()));
            return new Routed(replaced, routedTo, invalid);
        }
    }

    /**
     * The checker of one request to {@code stream}, against the schemas in force now, to be given
     * each event as it is read; {@code null} when the stream has no schema.
     */
    SchemaChecker checker(String stream) {
        return schemas.checker(stream);
    }

    /**
     * Enforces a stream's schema on a request sent to it.
     *
     * @param checker what {@link #checker} gave, after it was given every event of the request;
     *     {@code null} when the stream has no schema
     * @return the schema hashes of the events that go on, and how the request is routed if it is
     * @throws ProblemException {@code schema-violation} when the stream rejects invalid events;
     *     {@code event-too-large} when a wrapper is larger than the target's largest record
     */
    Enforced enforce(String stream, List<Event> events, SchemaChecker checker) {
        return checker == null ? new Enforced(null, null) : enforce(stream, events, checker.result());
    }

    private Enforced enforce(String stream, List<Event> events, SchemaCheck check) {
        List<InvalidEvent> invalid = check.invalid();
        if (invalid.isEmpty()) {
            return new Enforced(check.hashes(), null);
        }
        schemas.count(stream, invalid);
        StreamSchemas rules = check.rules();
        if (rules.routeTo() == null) {
            throw violation(invalid, events.size());
        }
        String target = rules.routeTo();
        int maxBytes = pipeline.maxEventBytes(target);
        List<Event> valid = new ArrayList<>(events.size() - invalid.size());
        List<Integer> validIndexes = new ArrayList<>(events.size() - invalid.size());
        List<String> validHashes = new ArrayList<>(events.size() - invalid.size());
        List<Event> wrapped = new ArrayList<>(invalid.size());
        List<Integer> wrappedIndexes = new ArrayList<>(invalid.size());
        List<Map<String, Object>> refs = new ArrayList<>(invalid.size());
        int next = 0;
        for (int i = 0; i < events.size(); i++) {
            if (next < invalid.size() && invalid.get(next).index() == i) {
                Event wrapper = schemas.wrap(stream, invalid.get(next), events.get(i));
                if (wrapper.size() > maxBytes) {
                    throw new ProblemException(
                                    ProblemType.EVENT_TOO_LARGE,
                                    "Event " + i + " is invalid and is routed to " + target + ", but wrapped it is "
                                            + wrapper.size() + " bytes, over the largest record " + target
                                            + " takes (" + maxBytes + " bytes)")
                            .with("index", i)
                            .with("id", events.get(i).id())
                            .with("limit", maxBytes);
                }
                wrapped.add(wrapper);
                wrappedIndexes.add(i);
                refs.add(ref(i, events.get(i).id()));
                next++;
            } else {
                valid.add(events.get(i));
                validIndexes.add(i);
                validHashes.add(check.hashes().get(i));
            }
        }
        List<RequestPart> parts = new ArrayList<>(2);
        if (!valid.isEmpty()) {
            parts.add(new RequestPart(stream, valid, validIndexes));
        }
        parts.add(new RequestPart(target, wrapped, wrappedIndexes));
        return new Enforced(validHashes, new Routed(parts, target, refs));
    }

    /** The {@code schema-violation} problem of a request with invalid events. */
    static ProblemException violation(List<InvalidEvent> invalid, int events) {
        return new ProblemException(
                        ProblemType.SCHEMA_VIOLATION,
                        invalid.size() + " of " + events
                                + " events do not satisfy the stream's schema; nothing of the request was taken")
                .with("invalidCount", invalid.size())
                .with("invalid", listed(invalid));
    }

    /** The first {@link EventSchemas#MAX_LISTED} invalid events, each with its violations. */
    static List<Map<String, Object>> listed(List<InvalidEvent> invalid) {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (InvalidEvent event : invalid.subList(0, Math.min(invalid.size(), EventSchemas.MAX_LISTED))) {
            Map<String, Object> entry = ref(event.index(), event.id());
            if (event.schema() != null && event.schema().value() != null) {
                entry.put("schema", event.schema().value());
            }
            entry.put("violations", event.violations());
            entry.put("violationCount", event.violationCount());
            listed.add(entry);
        }
        return listed;
    }

    private static Map<String, Object> ref(int index, String id) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("index", index);
        ref.put("id", id);
        return ref;
    }
}
