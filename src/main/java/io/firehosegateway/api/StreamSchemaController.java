package io.firehosegateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.firehosegateway.event.Event;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.schema.CompiledSchema;
import io.firehosegateway.schema.EventSchemas;
import io.firehosegateway.schema.InvalidEvent;
import io.firehosegateway.schema.SchemaChecker;
import io.firehosegateway.schema.StreamSchemas;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /streams/{stream}/validate} says what a request's events would get, delivering
 * nothing; {@code GET /streams/{stream}/schema} publishes the schemas in force. Producers test with
 * them before they send.
 */
@RestController
@Tag(name = "schemas", description = "Test events against a stream's schema")
class StreamSchemaController {

    private final Pipeline pipeline;
    private final EventBodyParser parser;
    private final ApiProperties limits;
    private final EventSchemas schemas;

    StreamSchemaController(Pipeline pipeline, ApiProperties limits, EventSchemas schemas) {
        this.pipeline = pipeline;
        this.parser = new EventBodyParser(limits);
        this.limits = limits;
        this.schemas = schemas;
    }

    @Operation(summary = "Check events against a stream's schema without sending them")
    @PostMapping(
            path = "/streams/{stream}/validate",
            consumes = {MediaType.APPLICATION_JSON_VALUE, EventFormat.NDJSON_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    Validation validate(@PathVariable String stream, HttpServletRequest request) throws IOException {
        pipeline.checkStream(stream);
        EventFormat format = EventFormat.of(RequestBodies.contentType(request));
        List<Event> events;
        SchemaChecker checker = schemas.checker(stream);
        // Read within the buffer's bounds like any body; never submitted, so closing gives the room back.
        try (Admission admission = pipeline.admitRequest(keyOf(request));
                InputStream body = RequestBodies.open(request, limits)) {
            events = parser.parse(
                    body,
                    format,
                    admission,
                    pipeline.maxEventBytes(stream),
                    null,
                    checker == null ? null : checker::check);
        }
        List<InvalidEvent> invalid =
                checker == null ? List.of() : checker.result().invalid();
        StreamSchemas rules = schemas.of(stream);
        String outcome = invalid.isEmpty() ? "accepted" : rules.routeTo() == null ? "rejected" : "routed";
        return new Validation(
                stream,
                events.size(),
                events.size() - invalid.size(),
                invalid.size(),
                outcome,
                invalid.isEmpty() || rules.routeTo() == null ? null : rules.routeTo(),
                SchemaEnforcement.listed(invalid));
    }

    @Operation(summary = "The schemas in force for a stream")
    @GetMapping(path = "/streams/{stream}/schema", produces = MediaType.APPLICATION_JSON_VALUE)
    Published schema(@PathVariable String stream) {
        pipeline.checkStream(stream);
        StreamSchemas rules = schemas.of(stream);
        if (rules == null) {
            return new Published(stream, null, null, schemas.formatAssertions(), List.of());
        }
        List<Map<String, Object>> published = new ArrayList<>();
        for (CompiledSchema schema : rules.schemas().values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            if (schema.value() != null) {
                entry.put("value", schema.value());
            }
            entry.put("location", schema.location());
            entry.put("hash", schema.hash());
            entry.put("schema", schema.document());
            published.add(entry);
        }
        published.sort((a, b) -> String.valueOf(a.get("value")).compareTo(String.valueOf(b.get("value"))));
        return new Published(stream, rules.onInvalid(), rules.schemaBy(), schemas.formatAssertions(), published);
    }

    private static String keyOf(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    /**
     * What the events would get if sent.
     *
     * @param stream the stream
     * @param events how many events the request had
     * @param valid how many satisfy the schema (all, for a stream without one)
     * @param invalidCount how many do not
     * @param outcome {@code accepted}, {@code rejected} (a {@code 400 schema-violation}) or {@code routed}
     * @param routedTo where the invalid events would go, when routed
     * @param invalid the first 20 invalid events with their violations
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Validation(
            String stream,
            int events,
            int valid,
            int invalidCount,
            String outcome,
            String routedTo,
            List<Map<String, Object>> invalid) {}

    /**
     * The schemas in force.
     *
     * @param stream the stream
     * @param onInvalid {@code reject} or {@code route:<stream>}; {@code null} without a schema
     * @param schemaBy the pointer that picks the schema, when there are several
     * @param formatAssertions whether {@code format} is asserted
     * @param schemas each schema: its {@code schema-by} value, location, hash and document
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Published(
            String stream,
            String onInvalid,
            String schemaBy,
            boolean formatAssertions,
            List<Map<String, Object>> schemas) {}
}
