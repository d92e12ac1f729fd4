package io.firehosegateway.api;

import io.firehosegateway.pipeline.EventTooLargeAsSentException;
import io.firehosegateway.pipeline.GatewayFullException;
import io.firehosegateway.pipeline.InvalidPartitionKeyException;
import io.firehosegateway.pipeline.PartitionKeyBacklogException;
import io.firehosegateway.pipeline.ShareExceededException;
import io.firehosegateway.pipeline.TooLargeForJournalException;
import io.firehosegateway.pipeline.TooManyEventsException;
import io.firehosegateway.pipeline.UnknownStreamException;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.RetryableProblemException;
import java.io.UncheckedIOException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error into an RFC 9457 problem with its own {@code type}: the gateway's own refusals,
 * and Spring MVC's (wrong method, content type, parameter, path) too.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e) {
        ResponseEntity.BodyBuilder response =
                ResponseEntity.status(e.type().status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (e instanceof RetryableProblemException retryable) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(retryable.retryAfterSeconds()));
        }
        if (e.type() == ProblemType.BODY_READ_TIMEOUT) {
            // The rest of a body that was cut may still arrive: the connection cannot carry another request.
            response.header(HttpHeaders.CONNECTION, "close");
        }
        return response.body(e.toProblemDetail());
    }

    @ExceptionHandler(TooManyEventsException.class)
    ResponseEntity<ProblemDetail> tooManyEvents(TooManyEventsException e) {
        return problem(new ProblemException(
                        ProblemType.TOO_MANY_EVENTS,
                        "One request may hold at most " + e.maxRecords() + " events and " + e.maxBytes()
                                + " bytes of events; nothing of this request was taken. Split it into smaller"
                                + " requests.")
                .with("maxEvents", e.maxRecords())
                .with("maxBytes", e.maxBytes()));
    }

    @ExceptionHandler(ShareExceededException.class)
    ResponseEntity<ProblemDetail> shareExceeded(ShareExceededException e) {
        return problem(new RetryableProblemException(
                        ProblemType.BUFFER_SHARE_EXCEEDED,
                        "The requests being read for this API key hold its share of the gateway's buffer ("
                                + e.maxRecords() + " events); nothing of this request was taken. Try again"
                                + " when they are answered.",
                        Math.max(1, (e.retryAfter().toMillis() + 999) / 1000))
                .with("maxEvents", e.maxRecords())
                .with("maxBytes", e.maxBytes()));
    }

    @ExceptionHandler(PartitionKeyBacklogException.class)
    ResponseEntity<ProblemDetail> keyBacklog(PartitionKeyBacklogException e) {
        return problem(new RetryableProblemException(
                        ProblemType.PARTITION_KEY_BACKLOG,
                        "Stream " + e.stream() + " keeps order per partition key, and one of this request's keys"
                                + " already has " + e.maxEvents() + " events waiting to be delivered in order;"
                                + " nothing of this request was taken. Try again later; other keys are taken.",
                        Math.max(1, (e.retryAfter().toMillis() + 999) / 1000))
                .with("maxEvents", e.maxEvents()));
    }

    @ExceptionHandler(GatewayFullException.class)
    ResponseEntity<ProblemDetail> full(GatewayFullException e) {
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return problem(
                e.full() == GatewayFullException.Full.JOURNAL
                        ? new RetryableProblemException(
                                ProblemType.JOURNAL_FULL,
                                "The journal holds as much as it may until the destination takes more; nothing of"
                                        + " this request was taken. Try again later, or another replica.",
                                seconds)
                        : new RetryableProblemException(
                                ProblemType.GATEWAY_FULL,
                                "The gateway holds as many events as it may; nothing of this request was taken."
                                        + " Try again later.",
                                seconds));
    }

    /** Waiting would not help: the journal could never hold the request, so it is a 413, not a 503. */
    @ExceptionHandler(InvalidPartitionKeyException.class)
    ResponseEntity<ProblemDetail> invalidPartitionKey(InvalidPartitionKeyException e) {
        return problem(new ProblemException(
                        ProblemType.INVALID_PARTITION_KEY, e.getMessage() + "; nothing of this request was taken.")
                .with("index", e.index())
                .with("id", e.id())
                .with("pointer", e.pointer()));
    }

    @ExceptionHandler(TooLargeForJournalException.class)
    ResponseEntity<ProblemDetail> tooLargeForJournal(TooLargeForJournalException e) {
        return problem(new ProblemException(
                        ProblemType.REQUEST_TOO_LARGE,
                        "The request's events take " + e.requestBytes() + " bytes in the journal, more than it may ever"
                                + " hold (" + e.journalBytes() + " bytes, gateway.journal.max-size); nothing of this"
                                + " request was taken. Send fewer events per request.")
                .with("journalBytes", e.journalBytes()));
    }

    @ExceptionHandler(EventTooLargeAsSentException.class)
    ResponseEntity<ProblemDetail> tooLargeAsSent(EventTooLargeAsSentException e) {
        return problem(new ProblemException(
                        ProblemType.EVENT_TOO_LARGE,
                        "As the stream's sink sends it, the event is " + e.bytesAsSent()
                                + " bytes, larger than a record of the sink can hold (" + e.maxBytes()
                                + " bytes); characters SQS refuses take 6 bytes each as escapes")
                .with("index", e.index())
                .with("id", e.id())
                .with("limit", e.maxBytes()));
    }

    @ExceptionHandler(UnknownStreamException.class)
    ResponseEntity<ProblemDetail> unknownStream(UnknownStreamException e) {
        return problem(new ProblemException(ProblemType.UNKNOWN_STREAM, e.getMessage()).with("stream", e.stream()));
    }

    @ExceptionHandler(UncheckedIOException.class)
    ResponseEntity<ProblemDetail> unreadable(UncheckedIOException e) {
        log.debug("Could not read a request body", e);
        return problem(new ProblemException(ProblemType.BAD_REQUEST, "The request body could not be read to its end"));
    }

    /**
     * Tomcat refuses to parse more query (or form) parameters than {@code server.tomcat.max-parameter-count}
     * when they are first asked for, by actuator or by a controller: a client fault, not the gateway's.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> tooManyParameters(InvalidParameterException e) {
        log.debug("Refused a request's parameters: {}", e.getMessage());
        return problem(tooManyParameters());
    }

    static ProblemException tooManyParameters() {
        return new ProblemException(
                ProblemType.INVALID_PARAMETER,
                "The request has more query parameters than the gateway reads, or parameters it cannot decode");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error while handling a request", e);
        return problem(new ProblemException(ProblemType.INTERNAL_ERROR, "The gateway failed to handle the request"));
    }

    /** Gives Spring MVC's own problems (405, 415, 404, 400 on parameters) a type of their own. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem) {
            ProblemType type = switch (statusCode.value()) {
                case 404 -> ProblemType.NOT_FOUND;
                case 405 -> ProblemType.METHOD_NOT_ALLOWED;
                case 406 -> ProblemType.NOT_ACCEPTABLE;
                case 413 -> ProblemType.REQUEST_TOO_LARGE;
                case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
                case 400 -> ProblemType.INVALID_PARAMETER;
                default -> null;
            };
            if (type != null) {
                problem.setType(type.type());
                problem.setTitle(type.title());
            }
        }
        return response;
    }
}
