package io.firehosegateway.api;

import io.firehosegateway.event.Event;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;

/**
 * Reads a request body into events, checking all of it before anything is queued.
 *
 * <p>It finds the events, one JSON object, an array of them, or NDJSON lines ({@link
 * NdjsonLineReader}); {@link EventWriter} frames each, and {@link EventParseProblems} names what is
 * wrong. Each event reserves its room in the buffer as soon as it is read, so the bound on memory
 * holds while bodies are still arriving.
 */
final class EventBodyParser {

    /** An id is a key for removing duplicates, not a payload: longer ones are refused. */
    static final int MAX_ID_LENGTH = EventWriter.MAX_ID_LENGTH;

    private final JsonFactory factory;
    private final int maxNestingDepth;
    private final int maxLineLength;
    private final int maxStringLength;
    /** Whether checked events are sent as their bytes came ({@link EventCopier}) rather than written again. */
    private final boolean copies;

    EventBodyParser(ApiProperties limits) {
        this(limits, true);
    }

    /** @param copies false to write every event again, as before {@link EventCopier}: what it is compared with */
    EventBodyParser(ApiProperties limits, boolean copies) {
        this.copies = copies;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        // One more than the limit: the array around a request's events is a level of
                        // its own to Jackson, not of any event. EventWriter checks each event's depth.
                        .maxNestingDepth(limits.maxNestingDepth() + 1)
                        .maxStringLength(limits.maxStringLength())
                        .maxNameLength(limits.maxStringLength())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxDocumentLength(limits.maxRequestSize().toBytes())
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // One generator writes every event of a request, each a root value of its own.
                .rootValueSeparator((String) null)
                .build();
        this.maxNestingDepth = limits.maxNestingDepth();
        this.maxStringLength = limits.maxStringLength();
        this.maxLineLength =
                (int) Math.min(Integer.MAX_VALUE - 16, limits.maxLineLength().toBytes());
    }

    /**
     * Reads every event of the body.
     *
     * @param maxEventBytes the largest event the stream takes, framed: the largest record of its sink
     * @throws ProblemException naming the index or line of the first event at fault
     * @throws io.firehosegateway.pipeline.GatewayFullException when the buffer has no room
     */
    List<Event> parse(InputStream body, EventFormat format, Admission admission, int maxEventBytes) {
        return parse(body, format, admission, maxEventBytes, null);
    }

    /**
     * Reads every event of the body, refusing an event that has a top-level member named {@code
     * reservedMember} (the stream's metadata member), unless that is null.
     */
    List<Event> parse(
            InputStream body, EventFormat format, Admission admission, int maxEventBytes, String reservedMember) {
        return parse(body, format, admission, maxEventBytes, reservedMember, null);
    }

    /**
     * Reads every event of the body and hands each, with its tree, to {@code check} as soon as it is
     * read: the one pass over the body serves the stream's schema too.
     *
     * @param check what every event is checked by as the client sent it; {@code null} for none,
     *     when no tree is built
     */
    List<Event> parse(
            InputStream body,
            EventFormat format,
            Admission admission,
            int maxEventBytes,
            String reservedMember,
            EventCheck check) {
        Reading reading = new Reading(admission, check);
        if (format == EventFormat.PLAIN_TEXT) {
            PlainTextBodies.Sniffed sniffed = PlainTextBodies.sniff(body, maxLineLength + 2);
            body = sniffed.body();
            format = sniffed.format();
        }
        return format == EventFormat.NDJSON
                ? parseNdjson(body, reading, maxEventBytes, reservedMember)
                : parseJson(body, reading, maxEventBytes, reservedMember);
    }

    /** Checks each event of a request as it is read, given its tree. */
    @FunctionalInterface
    interface EventCheck {

        /** @param asSent the event as its framed form reads: what the client sent, and an id the gateway added */
        void check(Event event, JsonNode asSent);
    }

    /** Where each event read goes: its room reserved, its check, and the request's list. */
    private record Reading(Admission admission, EventCheck check) {}

    private List<Event> parseJson(InputStream body, Reading reading, int maxEventBytes, String reservedMember) {
        List<Event> events = new ArrayList<>();
        EventPosition position = new EventPosition();
        RecordingInputStream recorded =
                copies(reading) ? new RecordingInputStream(new Utf8ValidatingInputStream(body)) : null;
        try (JsonParser parser = factory.createParser(
                        ObjectReadContext.empty(), recorded != null ? recorded : new Utf8ValidatingInputStream(body));
                EventWriter writer = newWriter(reading)) {
            Framing framing = new Framing(writer, copier(writer, reading), recorded, maxEventBytes, reservedMember);
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ProblemException(ProblemType.EMPTY_REQUEST, "The request body is empty");
            }
            if (first == JsonToken.START_OBJECT) {
                position.at(0, null);
                add(events, framing.next(parser, position), writer, reading);
            } else if (first == JsonToken.START_ARRAY) {
                int index = 0;
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    position.at(index, null);
                    if (token != JsonToken.START_OBJECT) {
                        throw EventParseProblems.notAnObject(position, token);
                    }
                    add(events, framing.next(parser, position), writer, reading);
                    index++;
                }
                if (index == 0) {
                    throw new ProblemException(ProblemType.EMPTY_REQUEST, "The request's array of events is empty");
                }
            } else {
                throw EventParseProblems.notAnObjectOrArray(first);
            }
            position.at(null, null);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new ProblemException(
                        ProblemType.MALFORMED_JSON, "Unexpected content after the end of the JSON value");
            }
        } catch (JacksonException e) {
            throw EventParseProblems.fromJackson(e, position);
        } catch (ProblemException e) {
            // The UTF-8 check raises its problem when the parser reaches the bad byte, in this event.
            throw e.type() == ProblemType.INVALID_UTF8 ? position.apply(e) : e;
        } finally {
            if (recorded != null) {
                recorded.release();
            }
        }
        return events;
    }

    private List<Event> parseNdjson(InputStream body, Reading reading, int maxEventBytes, String reservedMember) {
        List<Event> events = new ArrayList<>();
        NdjsonLineReader lines = new NdjsonLineReader(body, maxLineLength);
        EventPosition position = new EventPosition();
        try (EventWriter writer = newWriter(reading)) {
            EventCopier copier = copier(writer, reading);
            for (byte[] line = lines.next(); line != null; line = lines.next()) {
                int length = lines.length();
                if (NdjsonLineReader.isBlank(line, length)) {
                    continue;
                }
                position.at(events.size(), lines.lineNumber());
                if (Utf8ValidatingInputStream.startsLikeUtf16Or32(line, length)) {
                    throw position.apply(new ProblemException(
                            ProblemType.INVALID_UTF8,
                            "Line " + position.line() + " starts with a NUL byte, as UTF-16 or UTF-32 would; events"
                                    + " must be UTF-8"));
                }
                if (!Utf8Validator.isValid(line, 0, length)) {
                    throw position.apply(new ProblemException(
                            ProblemType.INVALID_UTF8, "Line " + position.line() + " is not valid UTF-8"));
                }
                try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), line, 0, length)) {
                    JsonToken first = parser.nextToken();
                    if (first != JsonToken.START_OBJECT) {
                        throw EventParseProblems.notAnObject(position, first);
                    }
                    Event event = copier == null
                            ? writer.write(parser, position, maxEventBytes, reservedMember)
                            : copier.copy(
                                    parser, position, maxEventBytes, reservedMember, EventCopier.line(line, length));
                    if (parser.nextToken() != null) {
                        throw position.apply(new ProblemException(
                                ProblemType.MALFORMED_JSON, "More than one JSON value on line " + position.line()));
                    }
                    add(events, event, writer, reading);
                } catch (JacksonException e) {
                    throw EventParseProblems.fromJackson(e, position);
                }
            }
        }
        if (events.isEmpty()) {
            throw new ProblemException(ProblemType.EMPTY_REQUEST, "The request has no events");
        }
        return events;
    }

    /** How each event of a JSON body is framed: copied from its bytes, or written again. */
    private record Framing(
            EventWriter writer,
            EventCopier copier,
            EventCopier.Source source,
            int maxEventBytes,
            String reservedMember) {

        Event next(JsonParser parser, EventPosition position) {
            return copier == null
                    ? writer.write(parser, position, maxEventBytes, reservedMember)
                    : copier.copy(parser, position, maxEventBytes, reservedMember, source);
        }
    }

    /** A schema needs each event's tree, which the writer builds in the same pass. */
    private boolean copies(Reading reading) {
        return copies && reading.check() == null;
    }

    private EventCopier copier(EventWriter writer, Reading reading) {
        return copies(reading) ? new EventCopier(factory, writer, maxNestingDepth, maxStringLength) : null;
    }

    private EventWriter newWriter(Reading reading) {
        return new EventWriter(factory, maxNestingDepth, reading.check() != null);
    }

    private static void add(List<Event> events, Event event, EventWriter writer, Reading reading) {
        reading.admission().reserve(event);
        events.add(event);
        if (reading.check() != null) {
            reading.check().check(event, writer.tree());
        }
    }
}
