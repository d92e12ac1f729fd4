package io.firehosegateway.problem;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * Every kind of error the API answers, each with its own problem {@code type} (a URI relative to
 * the gateway, listed in docs/api.md) so clients can tell them apart without parsing text.
 */
public enum ProblemType {
    MALFORMED_JSON("malformed-json", HttpStatus.BAD_REQUEST, "Malformed JSON"),
    INVALID_UTF8("invalid-utf8", HttpStatus.BAD_REQUEST, "Invalid UTF-8"),
    NESTING_TOO_DEEP("nesting-too-deep", HttpStatus.BAD_REQUEST, "JSON nested too deep"),
    JSON_LIMIT_EXCEEDED("json-limit-exceeded", HttpStatus.BAD_REQUEST, "JSON value too long"),
    INVALID_EVENT("invalid-event", HttpStatus.BAD_REQUEST, "Invalid event"),
    INVALID_PARTITION_KEY("invalid-partition-key", HttpStatus.BAD_REQUEST, "Invalid partition key"),
    RESERVED_MEMBER("reserved-member", HttpStatus.BAD_REQUEST, "Event holds the metadata member"),
    SCHEMA_VIOLATION("schema-violation", HttpStatus.BAD_REQUEST, "Events do not satisfy the stream's schema"),
    EMPTY_REQUEST("empty-request", HttpStatus.BAD_REQUEST, "No events in the request"),
    INVALID_GZIP("invalid-gzip", HttpStatus.BAD_REQUEST, "Invalid gzip body"),
    REQUEST_TOO_LARGE("request-too-large", HttpStatus.CONTENT_TOO_LARGE, "Request too large"),
    EVENT_TOO_LARGE(
            "event-too-large", HttpStatus.CONTENT_TOO_LARGE, "Event too large for a record of the stream's sink"),
    TOO_MANY_EVENTS("too-many-events", HttpStatus.CONTENT_TOO_LARGE, "More events than one request may hold"),
    LINE_TOO_LONG("line-too-long", HttpStatus.CONTENT_TOO_LARGE, "NDJSON line too long"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported content type"),
    UNSUPPORTED_ENCODING("unsupported-encoding", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported content encoding"),
    INVALID_PARAMETER("invalid-parameter", HttpStatus.BAD_REQUEST, "Invalid parameter"),
    INVALID_COUNT("invalid-count", HttpStatus.BAD_REQUEST, "Invalid count"),
    TOO_MANY_JOBS("too-many-jobs", HttpStatus.TOO_MANY_REQUESTS, "Too many generation jobs for this key"),
    GENERATOR_BUSY("generator-busy", HttpStatus.SERVICE_UNAVAILABLE, "Too many generation jobs"),
    JOB_NOT_FOUND("job-not-found", HttpStatus.NOT_FOUND, "No such generation job"),
    STREAM_HAS_SCHEMA(
            "stream-has-schema", HttpStatus.CONFLICT, "The generator does not write to a stream with a schema"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED, "Unauthorized"),
    FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Forbidden"),
    BUFFER_SHARE_EXCEEDED(
            "buffer-share-exceeded", HttpStatus.TOO_MANY_REQUESTS, "The key's requests hold their share of the buffer"),
    PARTITION_KEY_BACKLOG(
            "partition-key-backlog",
            HttpStatus.TOO_MANY_REQUESTS,
            "A partition key has its share of the buffer waiting"),
    BODY_READ_TIMEOUT("body-read-timeout", HttpStatus.REQUEST_TIMEOUT, "Request body too slow"),
    RATE_LIMITED("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Rate limit exceeded"),
    UNKNOWN_STREAM("unknown-stream", HttpStatus.NOT_FOUND, "Unknown stream"),
    INVALID_IDEMPOTENCY_KEY("invalid-idempotency-key", HttpStatus.BAD_REQUEST, "Invalid idempotency key"),
    IDEMPOTENCY_KEY_MISSING("idempotency-key-missing", HttpStatus.BAD_REQUEST, "Idempotency key required"),
    IDEMPOTENCY_KEY_IN_USE(
            "idempotency-key-in-use", HttpStatus.CONFLICT, "A request with this idempotency key is running"),
    IDEMPOTENCY_KEY_REUSED(
            "idempotency-key-reused",
            HttpStatus.UNPROCESSABLE_CONTENT,
            "Idempotency key already used for another request"),
    EVENT_ID_IN_USE("event-id-in-use", HttpStatus.CONFLICT, "A running request carries an event id of this request"),
    IDEMPOTENCY_STORE_FULL("idempotency-store-full", HttpStatus.SERVICE_UNAVAILABLE, "Idempotency store full"),
    IDEMPOTENCY_STORE_UNAVAILABLE(
            "idempotency-store-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Idempotency store unavailable"),
    GATEWAY_FULL("gateway-full", HttpStatus.SERVICE_UNAVAILABLE, "Gateway full"),
    JOURNAL_FULL("journal-full", HttpStatus.SERVICE_UNAVAILABLE, "Journal full"),
    JOURNAL_UNAVAILABLE("journal-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Journal unavailable"),
    DELIVERY_FAILED("delivery-failed", HttpStatus.SERVICE_UNAVAILABLE, "Delivery failed"),
    BAD_REQUEST("bad-request", HttpStatus.BAD_REQUEST, "Bad request"),
    REQUEST_HEADER_TOO_LARGE(
            "request-header-too-large", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request header too large"),
    NOT_IMPLEMENTED("not-implemented", HttpStatus.NOT_IMPLEMENTED, "Not implemented"),
    HTTP_VERSION_NOT_SUPPORTED(
            "http-version-not-supported", HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported"),
    UNAVAILABLE("unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
    INTERNAL_ERROR("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    /**
     * The request attribute that holds the slug of the problem a request was answered with, for the
     * parts that count answers no client reads (a beacon's, a pixel's).
     */
    public static final String ANSWERED_ATTRIBUTE = ProblemType.class.getName() + ".answered";

    private final URI type;
    private final HttpStatus status;
    private final String title;

    ProblemType(String slug, HttpStatus status, String title) {
        this.type = URI.create("/problems/" + slug);
        this.status = status;
        this.title = title;
    }

    /**
     * The type of an error known only by its status, as Tomcat and the servlet container report
     * them: the most general type of that status, or null for a status the gateway has no type of.
     */
    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 408 -> BODY_READ_TIMEOUT;
            case 413 -> REQUEST_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 431 -> REQUEST_HEADER_TOO_LARGE;
            case 501 -> NOT_IMPLEMENTED;
            case 503 -> UNAVAILABLE;
            case 505 -> HTTP_VERSION_NOT_SUPPORTED;
            case 500 -> INTERNAL_ERROR;
            default -> null;
        };
    }

    public URI type() {
        return type;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }
}
