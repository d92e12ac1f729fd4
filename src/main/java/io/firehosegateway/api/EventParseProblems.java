package io.firehosegateway.api;

import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;

/**
 * The problem each fault of a body gets: Jackson's exceptions mapped to the API's problem types,
 * and the faults the parser finds itself, each naming where the event stands in its request.
 */
final class EventParseProblems {

    private static final Pattern JACKSON_CONSTRAINT = Pattern.compile(", from `[^`]*`\\)");
    private static final Pattern JACKSON_FEATURE_HINT = Pattern.compile(":? *enable `[^`]*` to allow");
    private static final Pattern JACKSON_FEATURE_NOTE =
            Pattern.compile(" *\\(not recognized as one since Feature '[^']*' not enabled for parser\\)");

    private EventParseProblems() {}

    /**
     * The problem of an exception Jackson raised while reading the event at {@code position}.
     *
     * @throws UncheckedIOException when the body could not be read at all: the client went away
     */
    static ProblemException fromJackson(JacksonException e, EventPosition position) {
        if (e instanceof JacksonIOException io) {
            // The client went away or the connection broke mid-body.
            throw new UncheckedIOException(io.getCause());
        }
        ProblemType type;
        String message = e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            type = message != null && message.contains("nesting depth")
                    ? ProblemType.NESTING_TOO_DEEP
                    : ProblemType.JSON_LIMIT_EXCEEDED;
        } else if (message != null && (message.contains("Invalid UTF-8") || message.contains("surrogate"))) {
            // Jackson checks the surrogate pairs of names itself; EventWriter those of strings.
            type = ProblemType.INVALID_UTF8;
        } else if (e instanceof UnexpectedEndOfInputException) {
            type = ProblemType.MALFORMED_JSON;
            message = "Unexpected end of input";
        } else {
            type = ProblemType.MALFORMED_JSON;
        }
        ProblemException problem =
                position.apply(new ProblemException(type, withoutJacksonInternals(firstLine(message)), e));
        TokenStreamLocation location = e.getLocation();
        if (location != null && position.line() == null && location.getLineNr() > 0) {
            problem.with("jsonLine", location.getLineNr()).with("jsonColumn", location.getColumnNr());
        } else if (location != null && location.getColumnNr() > 0) {
            problem.with("jsonColumn", location.getColumnNr());
        }
        return problem;
    }

    /**
     * Jackson's messages say how to configure Jackson to accept the input ("enable
     * `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS`", "from `StreamReadConstraints.getMaxStringLength()`"):
     * what was wrong stays, how the gateway is built goes.
     */
    static String withoutJacksonInternals(String message) {
        String plain = JACKSON_CONSTRAINT.matcher(message).replaceAll(")");
        plain = JACKSON_FEATURE_HINT.matcher(plain).replaceAll("");
        plain = JACKSON_FEATURE_NOTE.matcher(plain).replaceAll("");
        return plain.replace("`", "'");
    }

    static ProblemException notAnObject(EventPosition position, JsonToken token) {
        String where = position.line() != null ? "Line " + position.line() : "Element " + position.index();
        return position.apply(new ProblemException(
                ProblemType.INVALID_EVENT, where + " must be a JSON object, not " + describe(token)));
    }

    static ProblemException notAnObjectOrArray(JsonToken token) {
        return new ProblemException(
                ProblemType.INVALID_EVENT,
                "The body must be a JSON object or an array of objects, not " + describe(token));
    }

    static ProblemException tooLarge(EventPosition position, String id, int maxEventBytes) {
        return position.apply(new ProblemException(
                                ProblemType.EVENT_TOO_LARGE,
                                "The event is larger than a record of the stream's sink can hold (" + maxEventBytes
                                        + " bytes with its newline)")
                        .with("id", id))
                .with("limit", maxEventBytes);
    }

    static ProblemException invalidId(EventPosition position, int maxIdLength) {
        return position.apply(new ProblemException(
                ProblemType.INVALID_EVENT,
                "The event's id must be a string of 1 to " + maxIdLength + " characters (Unicode code points)"));
    }

    static ProblemException reservedMember(EventPosition position, String member) {
        return position.apply(new ProblemException(
                        ProblemType.RESERVED_MEMBER,
                        "The event has a top-level member '" + member + "', which this stream reserves for the"
                                + " metadata the gateway adds; rename it, the gateway does not overwrite it"))
                .with("member", member);
    }

    static ProblemException loneSurrogate(EventPosition position, String what) {
        return position.apply(new ProblemException(
                ProblemType.INVALID_UTF8,
                what + " escapes half of a UTF-16 surrogate pair alone (a \\u escape in D800-DFFF without its"
                        + " other half), which is no character and cannot be written as UTF-8"));
    }

    static ProblemException nestingTooDeep(EventPosition position, int maxNestingDepth) {
        return position.apply(new ProblemException(
                        ProblemType.NESTING_TOO_DEEP,
                        "The event nests objects and arrays deeper than the limit of " + maxNestingDepth))
                .with("limit", maxNestingDepth);
    }

    /**
     * A number a schema cannot be checked on: its exponent lies beyond a decimal's scale (an {@code
     * int}), as in {@code 1e2147483648}. Such JSON is valid, and a stream without a schema copies it.
     */
    static ProblemException numberNoDecimalHolds(EventPosition position, String number) {
        String shown = number.length() > 64 ? number.substring(0, 64) + "..." : number;
        return position.apply(new ProblemException(
                ProblemType.JSON_LIMIT_EXCEEDED,
                "The number " + shown + " has an exponent beyond what a decimal holds (-2147483648 to"
                        + " 2147483647 digits of scale), so the stream's schema cannot be checked on it"));
    }

    static ProblemException unexpected(EventPosition position, JsonToken token) {
        return position.apply(new ProblemException(ProblemType.MALFORMED_JSON, "Unexpected " + describe(token)));
    }

    static ProblemException unexpectedEnd(EventPosition position) {
        return position.apply(new ProblemException(ProblemType.MALFORMED_JSON, "Unexpected end of input"));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "Invalid JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }
}
