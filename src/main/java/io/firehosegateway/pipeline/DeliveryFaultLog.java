package io.firehosegateway.pipeline;

import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One log line per call to the sink that did not deliver all its records: its stream, sink, reason
 * and counts as key-value pairs (fields of their own in JSON logs), and the same in its message for
 * plain-text logs. It names the sink's error code and message, never an event, a record or an API
 * key.
 *
 * <p>Rate-limited so a long outage or sustained throttling does not flood the log: per stream, at
 * most one line per reason every {@link #INTERVAL_NANOS}; each line counts the calls of its reason
 * not logged since the previous one ({@code gateway.suppressed_calls}). The meters count every call.
 */
final class DeliveryFaultLog {

    /** The least time between two lines of one stream and reason. */
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** A sink's error message is cut to this, and to one line, so it can neither flood nor forge a line. */
    private static final int MAX_MESSAGE_LENGTH = 256;

    private static final Logger log = LoggerFactory.getLogger(DeliveryFaultLog.class);

    private final String stream;
    private final String sink;
    private final String destination;
    private final NanoClock nanoClock;
    private final Map<FailureKind, Window> windows = new EnumMap<>(FailureKind.class);

    DeliveryFaultLog(String stream, String sink, String destination, NanoClock nanoClock) {
        this.stream = stream;
        this.sink = sink;
        this.destination = destination;
        this.nanoClock = nanoClock;
    }

    /** What the pipeline did with the records of one call that failed in whole or in part. */
    static final class Tally {

        private int retried;
        private int resentToFindFault;
        private final Map<FailureReason, Integer> givenUp = new EnumMap<>(FailureReason.class);
        private boolean paused;

        void retried(int records) {
            retried += records;
        }

        /** Records sent again split or unpacked, to find the one the sink refused. */
        void resentToFindFault(int records) {
            resentToFindFault += records;
        }

        void givenUp(FailureReason reason) {
            givenUp.merge(reason, 1, Integer::sum);
        }

        void paused() {
            paused = true;
        }

        int givenUpTotal() {
            return givenUp.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Logs the call, unless it delivered every record or its reason was logged too recently. */
    void called(int records, CallOutcome outcome, Tally tally) {
        if (outcome.delivered().size() == records) {
            return;
        }
        FailureKind kind = kind(outcome);
        int suppressed;
        synchronized (windows) {
            suppressed = windows.computeIfAbsent(kind, k -> new Window()).admit(nanoClock.nanoTime());
        }
        if (suppressed < 0) {
            return;
        }
        SinkException fault = fault(outcome);
        String code = fault == null ? null : fault.code();
        String message = fault == null ? null : oneLine(fault.getMessage());
        String reason = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        int givenUp = tally.givenUpTotal();
        String givenUpReasons =
                tally.givenUp.keySet().stream().map(FailureReason::value).collect(Collectors.joining(","));
        boolean severe = givenUp > 0 || kind == FailureKind.CONFIGURATION;

        LoggingEventBuilder line = log.atLevel(severe ? Level.ERROR : Level.WARN)
                .setMessage(text(kind, code, message, records, outcome, tally, givenUp, givenUpReasons, suppressed))
                .addKeyValue("gateway.stream", stream)
                .addKeyValue("gateway.sink", sink)
                .addKeyValue("gateway.destination", destination)
                .addKeyValue("gateway.reason", reason)
                .addKeyValue("gateway.call", outcome.failure() != null ? "error" : "partial")
                .addKeyValue("gateway.records", records)
                .addKeyValue("gateway.delivered", outcome.delivered().size())
                .addKeyValue("gateway.retried", tally.retried)
                .addKeyValue("gateway.possible_duplicates", outcome.possibleDuplicates())
                .addKeyValue("gateway.resent_to_find_fault", tally.resentToFindFault)
                .addKeyValue("gateway.given_up", givenUp)
                .addKeyValue("gateway.paused", tally.paused)
                .addKeyValue("gateway.suppressed_calls", suppressed);
        if (!givenUpReasons.isEmpty()) {
            line = line.addKeyValue("gateway.given_up_reasons", givenUpReasons);
        }
        if (code != null) {
            line = line.addKeyValue("gateway.error_code", code);
        }
        if (message != null) {
            line = line.addKeyValue("gateway.error_message", message);
        }
        line.log();
    }

    private String text(
            FailureKind kind,
            String code,
            String message,
            int records,
            CallOutcome outcome,
            Tally tally,
            int givenUp,
            String givenUpReasons,
            int suppressed) {
        StringBuilder text = new StringBuilder("Stream ").append(stream).append(": ");
        String error = code == null ? "" : " (" + code + (message == null ? "" : ": " + message) + ")";
        switch (kind) {
            case CONFIGURATION ->
                text.append("the destination refused the call because the configuration is wrong")
                        .append(error)
                        .append("; check the stream's name, region, IAM permissions and KMS key");
            case THROTTLED -> text.append("throttled by the destination").append(error);
            case UNKNOWN_OUTCOME ->
                text.append("no answer from the destination, the records may have landed")
                        .append(error);
            case INVALID_REQUEST ->
                text.append("the destination refused records as invalid").append(error);
            case RETRYABLE -> text.append("the destination failed records").append(error);
        }
        text.append("; ")
                .append(sink)
                .append(" call of ")
                .append(records)
                .append(" records: ")
                .append(outcome.delivered().size())
                .append(" delivered, ")
                .append(tally.retried)
                .append(" to send again (")
                .append(outcome.possibleDuplicates())
                .append(" possible duplicates");
        if (tally.resentToFindFault > 0) {
            text.append(", ").append(tally.resentToFindFault).append(" to find the one at fault");
        }
        text.append("), ").append(givenUp).append(" given up");
        if (givenUp > 0) {
            text.append(" (").append(givenUpReasons).append(')');
        }
        if (tally.paused) {
            text.append(", stream paused");
        }
        if (suppressed > 0) {
            text.append("; ").append(suppressed).append(" more such calls since the last line were not logged");
        }
        return text.toString();
    }

    /** The call's reason: the fault that decides what happens to it, the gravest first. */
    private static FailureKind kind(CallOutcome outcome) {
        if (outcome.failure() != null) {
            return outcome.failure().kind();
        }
        if (!outcome.misconfigured().isEmpty()) {
            return FailureKind.CONFIGURATION;
        }
        if (!outcome.rejected().isEmpty() || !outcome.split().isEmpty()) {
            return FailureKind.INVALID_REQUEST;
        }
        if (outcome.possibleDuplicates() > 0) {
            return FailureKind.UNKNOWN_OUTCOME;
        }
        return outcome.throttled() ? FailureKind.THROTTLED : FailureKind.RETRYABLE;
    }

    private static SinkException fault(CallOutcome outcome) {
        if (outcome.failure() != null) {
            return outcome.failure();
        }
        if (outcome.configurationFault() != null) {
            return outcome.configurationFault();
        }
        if (!outcome.rejected().isEmpty()) {
            CallOutcome.Rejection first = outcome.rejected().get(0);
            return new SinkException(FailureKind.INVALID_REQUEST, first.code(), first.message(), null);
        }
        return null;
    }

    private static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return null;
        }
        String line = message.replaceAll("\\p{Cntrl}+", " ").strip();
        return line.length() <= MAX_MESSAGE_LENGTH ? line : line.substring(0, MAX_MESSAGE_LENGTH) + "…";
    }

    /** One reason's rate limit: a line, then silence for the interval, counting what it silenced. */
    private static final class Window {

        private boolean opened;
        private long nextNanos;
        private int suppressed;

        /** The calls suppressed since the last line when this one may be logged, else -1. */
        int admit(long now) {
            if (opened && now - nextNanos < 0) {
                suppressed++;
                return -1;
            }
            opened = true;
            nextNanos = now + INTERVAL_NANOS;
            int count = suppressed;
            suppressed = 0;
            return count;
        }
    }
}
