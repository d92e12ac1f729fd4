package io.firehosegateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.firehosegateway.event.Event;
import io.firehosegateway.idempotency.EventIdWindows;
import io.firehosegateway.idempotency.IdempotencyKeys;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.DeliveryReport;
import io.firehosegateway.pipeline.GatewayFullException;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.Promise;
import io.firehosegateway.pipeline.ShareExceededException;
import io.firehosegateway.pipeline.TooManyEventsException;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.QueryParameters;
import io.firehosegateway.problem.RetryableProblemException;
import io.firehosegateway.schema.SchemaChecker;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /events}, {@code POST /streams/{stream}/events} and the pixel ({@code GET
 * /streams/{stream}/pixel}, one event in its URL): a request is read and checked whole,
 * then admitted whole or refused whole. In confirmed mode the answer waits until the destination
 * accepted every event or the delivery timeout passed.
 */
@RestController
@Tag(name = "events", description = "Send events")
class EventsController {

    private static final long RETRY_AFTER_JOURNAL_UNAVAILABLE_SECONDS = 5;

    private static final String PREFER = "Prefer";
    private static final String PREFERENCE_APPLIED = "Preference-Applied";
    private static final String RESPOND_ASYNC = "respond-async";

    private final Pipeline pipeline;
    private final EventBodyParser parser;
    private final ApiProperties limits;
    private final EventMetadata metadata;
    private final SchemaEnforcement schemas;
    private final IdempotentRequests idempotent;
    private final EventIdWindows windows;

    EventsController(
            Pipeline pipeline,
            ApiProperties limits,
            EventMetadata metadata,
            SchemaEnforcement schemas,
            IdempotencyKeys idempotencyKeys,
            EventIdWindows windows) {
        this.pipeline = pipeline;
        this.parser = new EventBodyParser(limits);
        this.limits = limits;
        this.metadata = metadata;
        this.schemas = schemas;
        this.idempotent = new IdempotentRequests(idempotencyKeys);
        this.windows = windows;
    }

    @Operation(summary = "Send events to the default stream")
    @PostMapping(
            path = "/events",
            consumes = {MediaType.APPLICATION_JSON_VALUE, EventFormat.NDJSON_VALUE, MediaType.TEXT_PLAIN_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Accepted> postEvents(
            HttpServletRequest request,
            @Parameter(
                            description =
                                    "List the events' ids in the answer; by default, for requests of up to 1000 events",
                            schema = @Schema(type = "boolean"))
                    @RequestParam(name = "ids", required = false)
                    String ids)
            throws IOException, InterruptedException {
        return accept(pipeline.defaultStream(), request, QueryParameters.bool("ids", ids));
    }

    @Operation(summary = "Send events to a named stream")
    @PostMapping(
            path = "/streams/{stream}/events",
            consumes = {MediaType.APPLICATION_JSON_VALUE, EventFormat.NDJSON_VALUE, MediaType.TEXT_PLAIN_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Accepted> postStreamEvents(
            @PathVariable String stream,
            HttpServletRequest request,
            @RequestParam(name = "ids", required = false) String ids)
            throws IOException, InterruptedException {
        Boolean listIds = QueryParameters.bool("ids", ids);
        pipeline.checkStream(stream);
        return accept(stream, request, listIds);
    }

    @Operation(
            summary = "Send one event as a pixel",
            description = "For pages without JavaScript: answers a transparent 1x1 GIF whatever became of the event")
    @GetMapping(path = Pixel.PATH)
    ResponseEntity<byte[]> pixel(
            @PathVariable String stream,
            HttpServletRequest request,
            @Parameter(description = "One event: a JSON object, URL-encoded")
                    @RequestParam(name = "e", required = false)
                    String event)
            throws IOException, InterruptedException {
        pipeline.checkStream(stream);
        if (event == null || !event.strip().startsWith("{")) {
            throw new ProblemException(
                    ProblemType.INVALID_EVENT, "A pixel's e parameter must hold one event, a JSON object");
        }
        byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        accept(
                stream,
                request,
                false,
                EventFormat.JSON,
                () -> new ByteArrayInputStream(bytes),
                PageOrigin.ofImageRequest(request),
                null);
        return Pixel.answer();
    }

    private ResponseEntity<Accepted> accept(String stream, HttpServletRequest request, Boolean ids)
            throws IOException, InterruptedException {
        EventFormat format = EventFormat.of(RequestBodies.contentType(request));
        EventSource source = () -> RequestBodies.open(request, limits);
        String origin = PageOrigin.of(request);
        IdempotentRequests.Keyed keyed = idempotent.open(stream, keyOf(request), request);
        if (keyed == null) {
            return accept(stream, request, ids, format, source, origin, null);
        }
        try (keyed) {
            return keyed.keep(accept(stream, request, ids, format, source, origin, keyed));
        }
    }

    /** Where a request's events are read from: its body, or a pixel's parameter. */
    @FunctionalInterface
    private interface EventSource {
        InputStream open() throws IOException;
    }

    /**
     * @param origin the page's origin, for the metadata; {@code null} when the request had none
     * @param keyed the request's idempotency key; {@code null} when it has none
     */
    private ResponseEntity<Accepted> accept(
            String stream,
            HttpServletRequest request,
            Boolean ids,
            EventFormat format,
            EventSource source,
            String origin,
            IdempotentRequests.Keyed keyed)
            throws IOException, InterruptedException {
        DeliveryMode mode = pipeline.mode();
        boolean respondAsync = mode == DeliveryMode.CONFIRMED && prefersRespondAsync(request);
        if (respondAsync) {
            // RFC 7240: the client would rather not wait; in memory, as the buffered mode keeps them.
            mode = DeliveryMode.BUFFERED;
        }
        EventMetadata.Envelope envelope = metadata.forRequest(stream, request, origin);
        List<Event> events;
        SchemaEnforcement.Routed routed;
        DeliveryReport report;
        Deduplicated deduplicated;
        try (Admission admission = pipeline.admitRequest(keyOf(request));
                InputStream body = keyed == null ? source.open() : keyed.digesting(source.open())) {
            int maxEventBytes = pipeline.maxEventBytes(stream);
            // Each event is checked as it is read, from the tree built in the pass that frames it.
            SchemaChecker checker = schemas.checker(stream);
            try {
                events = parser.parse(
                        body,
                        format,
                        admission,
                        maxEventBytes,
                        envelope.reservedMember(),
                        checker == null ? null : checker::check);
            } catch (ProblemException | GatewayFullException | ShareExceededException | TooManyEventsException e) {
                pipeline.rejected(stream, admission.records() + 1);
                throw e;
            }
            try {
                // Validation sees the events as the client sent them; the metadata is added after.
                SchemaEnforcement.Enforced enforced = schemas.enforce(stream, events, checker);
                routed = enforced.routed();
                if (routed == null) {
                    events = envelope.addTo(events, enforced.schemaHashes(), admission, maxEventBytes);
                } else {
                    routed = routed.withValid(
                            stream,
                            envelope.addTo(routed.valid(stream), enforced.schemaHashes(), admission, maxEventBytes));
                }
            } catch (ProblemException | GatewayFullException | ShareExceededException e) {
                pipeline.rejected(stream, events.size());
                throw e;
            }
            if (keyed != null) {
                ResponseEntity<Accepted> replay = keyed.claim(stream, format);
                if (replay != null) {
                    return replay;
                }
            }
            // Held until the mode's promise is kept: in the journaled mode the events' memory is
            // given back then, since the journal holds them.
            deduplicated = routed == null ? Deduplicated.take(windows, stream, keyOf(request), events) : null;
            if (deduplicated == null) {
                report = kept(stream, events, routed, admission, mode);
            } else {
                try {
                    deduplicated.giveBack(admission);
                    List<Event> sent = deduplicated.sent();
                    report = deduplicated.settle(
                            sent.isEmpty()
                                    ? Deduplicated.nothingSent(mode)
                                    : kept(stream, sent, null, admission, mode));
                } finally {
                    deduplicated.release();
                }
            }
        }
        boolean listIds = ids != null ? ids : events.size() <= limits.listIdsUpTo();
        Accepted accepted = routed == null
                ? new Accepted(
                        events.size(),
                        idsOf(events, listIds),
                        null,
                        null,
                        null,
                        deduplicated == null ? null : deduplicated.duplicates())
                : new Accepted(
                        events.size() - routed.invalid().size(),
                        idsOf(routed.valid(stream), listIds),
                        routed.invalid().size(),
                        routed.routedTo(),
                        routed.invalid(),
                        null);
        if (report == null) {
            ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.ACCEPTED);
            if (respondAsync) {
                answer.header(PREFERENCE_APPLIED, RESPOND_ASYNC);
            }
            return answer.body(accepted);
        }
        if (!report.complete()) {
            throw deliveryFailed(events, report);
        }
        return ResponseEntity.ok(accepted);
    }

    /** The API key's name, from the principal the security chain set; none on an unsecured path. */
    private static String keyOf(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    private static boolean prefersRespondAsync(HttpServletRequest request) {
        for (var values = request.getHeaders(PREFER); values.hasMoreElements(); ) {
            for (String preference : values.nextElement().split(",")) {
                if (preference.trim().toLowerCase(java.util.Locale.ROOT).startsWith(RESPOND_ASYNC)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Hands the events on in {@code mode} and waits until its promise is kept: the report of a
     * confirmed request, {@code null} for the modes that answer 202.
     */
    private DeliveryReport kept(
            String stream, List<Event> events, SchemaEnforcement.Routed routed, Admission admission, DeliveryMode mode)
            throws InterruptedException {
        // The pipeline counts what it refuses.
        Promise promise = routed == null
                ? pipeline.accept(stream, events, admission, mode, null)
                : pipeline.accept(stream, routed.parts(), admission, mode);
        try {
            return promise.kept().get(promise.keptWithin().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (mode != DeliveryMode.CONFIRMED) {
                throw journalTooSlow();
            }
            // The pipeline's timer is late: keep the confirmed promise here, with what became of each event.
            promise.expire().run();
            return promise.kept().getNow(null);
        } catch (ExecutionException e) {
            pipeline.rejected(stream, events.size());
            throw new RetryableProblemException(
                    ProblemType.JOURNAL_UNAVAILABLE,
                    "The events could not be written to the journal; nothing of this request was taken",
                    RETRY_AFTER_JOURNAL_UNAVAILABLE_SECONDS);
        }
    }

    private static ProblemException journalTooSlow() {
        return new RetryableProblemException(
                ProblemType.JOURNAL_UNAVAILABLE,
                "The journal did not confirm the events in time; the write may still complete and"
                        + " deliver them, so sending them again may duplicate them",
                RETRY_AFTER_JOURNAL_UNAVAILABLE_SECONDS);
    }

    private static List<String> idsOf(List<Event> events, boolean list) {
        if (!list) {
            return null;
        }
        List<String> ids = new ArrayList<>(events.size());
        for (Event event : events) {
            ids.add(event.id());
        }
        return ids;
    }

    private ProblemException deliveryFailed(List<Event> events, DeliveryReport report) {
        String reason = report.failureReason() != null ? report.failureReason().value() : "unknown outcome";
        return new RetryableProblemException(
                        ProblemType.DELIVERY_FAILED,
                        report.failed().size() + " of " + events.size() + " events were not delivered and "
                                + report.unknown().size() + " may or may not have been (" + reason
                                + "); send again the failed ones, and the unknown ones if duplicates are acceptable",
                        1)
                .with("reason", reason)
                .with("delivered", refs(events, report.delivered()))
                .with("failed", refs(events, report.failed()))
                .with("unknown", refs(events, report.unknown()));
    }

    private static List<Map<String, Object>> refs(List<Event> events, List<Integer> indexes) {
        List<Map<String, Object>> refs = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            refs.add(Map.of("index", index, "id", events.get(index).id()));
        }
        return refs;
    }

    /**
     * The answer to an admitted request.
     *
     * @param accepted how many events of the request go on to its stream: all of them, unless some
     *     were invalid and routed
     * @param ids those events' ids in request order, when listed
     * @param invalid how many events were invalid and routed; absent when none were
     * @param routedTo the stream the invalid events went to, wrapped
     * @param invalidEvents the invalid events' {@code index} and {@code id}
     * @param duplicates the {@code index} and {@code id} of the events accepted and not sent, their
     *     stream having taken their id within its {@code deduplicate-window}; absent when none were
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Accepted(
            int accepted,
            List<String> ids,
            Integer invalid,
            String routedTo,
            List<Map<String, Object>> invalidEvents,
            List<Map<String, Object>> duplicates) {}
}
