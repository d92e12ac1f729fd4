package io.firehosegateway.api;

import io.firehosegateway.event.Event;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.pipeline.PipelineProperties.Metadata;
import io.firehosegateway.pipeline.PipelineProperties.MetadataFact;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The facts the gateway adds to a stream's events ({@code gateway.streams.<name>.metadata}), under
 * one member of their own, after the events were read and checked as the client sent them.
 *
 * <p>Every fact but the schema's hash is the same for all events of a request, so the member is
 * written once per request and spliced into each event's framed bytes, which end in {@code }\n}.
 * The bytes it adds count against the stream's record limit and reserve their room in the buffer.
 */
@Component
public class EventMetadata {

    private static final DateTimeFormatter RFC_3339_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final byte[] CLOSE = "}}\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SCHEMA_HASH = "\"schemaHash\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final PipelineProperties streams;
    private final ClientAddressResolver clientAddresses;
    private final Clock clock;
    private final String instance;
    private volatile FormattedInstant lastReceivedAt;

    EventMetadata(PipelineProperties streams, EdgeProperties edge, ClientAddressResolver clientAddresses, Clock clock) {
        this.streams = streams;
        this.clientAddresses = clientAddresses;
        this.clock = clock;
        this.instance = edge.instance() != null && !edge.instance().isBlank() ? edge.instance() : hostName();
    }

    /**
     * What the stream's metadata is for this request, taken when it arrives: {@link Envelope#NONE}
     * when the stream adds none.
     */
    public Envelope forRequest(String stream, HttpServletRequest request) {
        return forRequest(stream, request, PageOrigin.of(request));
    }

    /** As {@link #forRequest(String, HttpServletRequest)}, with the page's origin the caller read. */
    Envelope forRequest(String stream, HttpServletRequest request, String origin) {
        Metadata metadata = streams.stream(stream).metadata();
        if (!metadata.isOn()) {
            return Envelope.NONE;
        }
        List<MetadataFact> facts = metadata.facts();
        // Written by hand, not by a generator: with single-event requests this runs once per event.
        StringBuilder head =
                new StringBuilder(256).append(",\"").append(metadata.member()).append("\":{");
        boolean hasFixedMembers = false;
        for (MetadataFact fact : MetadataFact.values()) {
            if (!facts.contains(fact) || fact == MetadataFact.SCHEMA_HASH) {
                continue;
            }
            if (hasFixedMembers) {
                head.append(',');
            }
            hasFixedMembers = true;
            switch (fact) {
                case RECEIVED_AT -> member(head, "receivedAt", receivedAt());
                case KEY -> member(head, "key", keyOf(request));
                case REQUEST_ID -> member(head, "requestId", RequestIdFilter.of(request));
                case INSTANCE -> member(head, "instance", instance);
                case CLIENT_ADDRESS -> member(head, "clientAddress", clientAddresses.clientAddress(request));
                case ORIGIN -> member(head, "origin", origin);
                default -> throw new IllegalStateException("unhandled fact " + fact);
            }
        }
        // Without its closing brace: the schema's hash, per event, may follow.
        return new Envelope(
                metadata.member(),
                head.toString().getBytes(StandardCharsets.UTF_8),
                hasFixedMembers,
                facts.contains(MetadataFact.SCHEMA_HASH));
    }

    private static void member(StringBuilder out, String name, String value) {
        out.append('"').append(name).append("\":");
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        if (needsEscaping(value)) {
            JsonStringEncoder.getInstance().quoteAsString(value, out);
        } else {
            out.append(value);
        }
        out.append('"');
    }

    private static boolean needsEscaping(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /** Now, formatted; the text is kept for the millisecond, which many requests share under load. */
    private String receivedAt() {
        long millis = clock.millis();
        FormattedInstant last = lastReceivedAt;
        if (last != null && last.millis() == millis) {
            return last.text();
        }
        String text = RFC_3339_MILLIS.format(Instant.ofEpochMilli(millis));
        lastReceivedAt = new FormattedInstant(millis, text);
        return text;
    }

    private record FormattedInstant(long millis, String text) {}

    /** The API key's name, from the principal the security chain set; none on an unsecured path. */
    private static String keyOf(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    private static String hostName() {
        String hostname = System.getenv("HOSTNAME");
        if (hostname != null && !hostname.isBlank()) {
            return hostname;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** One request's metadata member, ready to be added to each of its events. */
    public static final class Envelope {

        /** A stream without metadata: events pass unchanged and no member is reserved. */
        static final Envelope NONE = new Envelope(null, null, false, false);

        private final String member;
        private final byte[] head;
        private final boolean hasFixedMembers;
        private final boolean schemaHash;

        Envelope(String member, byte[] head, boolean hasFixedMembers, boolean schemaHash) {
            this.member = member;
            this.head = head;
            this.hasFixedMembers = hasFixedMembers;
            this.schemaHash = schemaHash;
        }

        /** The top-level member an event may not have, since the gateway adds it; null when none. */
        String reservedMember() {
            return member;
        }

        /**
         * The events with the member added, for a caller that reserves their room itself from their
         * sizes (the generator, which admits its events only once they are made); no event is
         * checked against a schema, so a {@code schema-hash} fact is {@code null}.
         */
        public List<Event> addTo(List<Event> events) {
            if (head == null) {
                return events;
            }
            byte[] hash = schemaHash ? hashMember(null) : null;
            List<Event> enveloped = new ArrayList<>(events.size());
            for (Event event : events) {
                enveloped.add(with(event, hash));
            }
            return enveloped;
        }

        /**
         * The events with the member added, reserving the room the added bytes take.
         *
         * @param schemaHashes the hash of the schema each event was checked against, in the events'
         *     order (null for an event that was not checked); null when the request's events were
         *     not checked at all, as on a stream without a schema
         * @param maxEventBytes the largest event the stream takes, framed, metadata included
         * @throws ProblemException {@code 413 event-too-large} for the first event the member makes too large
         * @throws io.firehosegateway.pipeline.GatewayFullException when the buffer has no room for the
         *     added bytes (or the request's or key's share of it is exceeded)
         */
        List<Event> addTo(List<Event> events, List<String> schemaHashes, Admission admission, int maxEventBytes) {
            if (head == null) {
                return events;
            }
            byte[][] hashes = new byte[events.size()][];
            long added = 0;
            for (int i = 0; i < events.size(); i++) {
                hashes[i] = schemaHash ? hashMember(schemaHashes == null ? null : schemaHashes.get(i)) : null;
                Event event = events.get(i);
                int size = sizeWith(event, hashes[i]);
                if (size > maxEventBytes) {
                    throw tooLarge(i, event.id(), size, maxEventBytes);
                }
                added += size - event.size();
            }
            admission.reserveMore(added);
            List<Event> enveloped = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                enveloped.add(with(events.get(i), hashes[i]));
            }
            return enveloped;
        }

        private byte[] hashMember(String hash) {
            byte[] value = hash == null ? NULL : quoted(hash);
            int comma = hasFixedMembers ? 1 : 0;
            byte[] member = new byte[comma + SCHEMA_HASH.length + value.length];
            if (hasFixedMembers) {
                member[0] = ',';
            }
            System.arraycopy(SCHEMA_HASH, 0, member, comma, SCHEMA_HASH.length);
            System.arraycopy(value, 0, member, comma + SCHEMA_HASH.length, value.length);
            return member;
        }

        private static byte[] quoted(String text) {
            byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
            byte[] quoted = new byte[escaped.length + 2];
            quoted[0] = '"';
            System.arraycopy(escaped, 0, quoted, 1, escaped.length);
            quoted[quoted.length - 1] = '"';
            return quoted;
        }

        /** The event's framed size with the member: its object without {@code }\n}, the member, {@code }}\n}. */
        private int sizeWith(Event event, byte[] hash) {
            return event.size() - 2 + head.length + (hash == null ? 0 : hash.length) + CLOSE.length;
        }

        private Event with(Event event, byte[] hash) {
            byte[] framed = event.framed();
            byte[] out = new byte[sizeWith(event, hash)];
            int offset = framed.length - 2;
            System.arraycopy(framed, 0, out, 0, offset);
            System.arraycopy(head, 0, out, offset, head.length);
            offset += head.length;
            if (hash != null) {
                System.arraycopy(hash, 0, out, offset, hash.length);
                offset += hash.length;
            }
            System.arraycopy(CLOSE, 0, out, offset, CLOSE.length);
            return new Event(event.id(), out);
        }

        private static ProblemException tooLarge(int index, String id, int size, int maxEventBytes) {
            return new ProblemException(
                            ProblemType.EVENT_TOO_LARGE,
                            "With the metadata the gateway adds, the event is " + size
                                    + " bytes, larger than a record of the stream's sink can hold (" + maxEventBytes
                                    + " bytes with its newline)")
                    .with("index", index)
                    .with("id", id)
                    .with("limit", maxEventBytes);
        }
    }
}
