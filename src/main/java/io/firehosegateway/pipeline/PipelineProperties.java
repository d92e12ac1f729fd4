package io.firehosegateway.pipeline;

import io.firehosegateway.sink.PackFormat;
import io.firehosegateway.sink.SinkKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the pipeline: streams, buffer, batching and delivery.
 *
 * @param sink the kind of sink of the streams that name none of their own
 * @param defaultStream the stream that {@code POST /events} sends to
 * @param streams the streams clients may name in {@code POST /streams/{stream}/events}, with their settings
 * @param buffer how much the gateway holds in memory before it answers 503
 * @param delivery when clients are answered, how records are batched and sent, and how long the
 *     gateway tries
 * @param replicas how many replicas share each stream's quota: each shapes its calls to its share
 */
@ConfigurationProperties("gateway")
@Validated
public record PipelineProperties(
        @DefaultValue("local") @NotNull SinkKind sink,

        @DefaultValue("events") @NotBlank @Pattern(regexp = StreamNames.PATTERN)
        String defaultStream,

        @DefaultValue Map<String, @Valid StreamProperties> streams,
        @DefaultValue @Valid Buffer buffer,
        @DefaultValue @Valid Delivery delivery,
        @DefaultValue("1") @Min(1) int replicas) {

    /** The streams clients may send to: the default one first, then those configured. */
    public Set<String> streamNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add(defaultStream);
        names.addAll(streams.keySet());
        return names;
    }

    /**
     * These settings with every one of {@code names} a stream, of default settings when not listed:
     * a stream whose only settings belong to another feature (its schema) is still a stream.
     */
    public PipelineProperties withStreams(Set<String> names) {
        Map<String, StreamProperties> all = new java.util.LinkedHashMap<>(streams);
        for (String name : names) {
            all.putIfAbsent(name, StreamProperties.DEFAULTS);
        }
        return new PipelineProperties(
                sink, defaultStream, java.util.Collections.unmodifiableMap(all), buffer, delivery, replicas);
    }

    /** What the stream is sent to at its sink: its destination, or its own name. */
    public String destination(String stream) {
        String destination = stream(stream).destination();
        return destination != null ? destination : stream;
    }

    /** The kind of sink the stream is sent to: its own, or {@link #sink()}. */
    public SinkKind sink(String stream) {
        SinkKind own = stream(stream).sink();
        return own != null ? own : sink;
    }

    /** How the stream orders the events of one key: its own setting, else none. */
    public Ordering ordering(String stream) {
        Ordering own = stream(stream).ordering();
        return own != null ? own : Ordering.NONE;
    }

    /** Calls the stream keeps in flight at most: its own {@code max-in-flight}, else the global one. */
    public int maxInFlight(String stream) {
        Integer own = stream(stream).maxInFlight();
        return own != null ? own : delivery.maxInFlight();
    }

    /** Settings of one stream, or the defaults for a stream not listed. */
    public StreamProperties stream(String name) {
        StreamProperties settings = streams.get(name);
        return settings != null ? settings : StreamProperties.DEFAULTS;
    }

    @AssertTrue(message = "stream names must match " + StreamNames.PATTERN)
    boolean isEveryStreamNameValid() {
        return streams.keySet().stream().allMatch(StreamNames::isValid);
    }

    /**
     * The settings that mean nothing for their stream's sink, each as a sentence naming it: a start
     * with any of them fails rather than let an operator believe, say, that Firehose keeps order.
     */
    public java.util.List<String> settingsMeaninglessForTheirSink() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        for (Map.Entry<String, StreamProperties> entry : streams.entrySet()) {
            String prefix = "gateway.streams." + entry.getKey() + ".";
            StreamProperties stream = entry.getValue();
            SinkKind kind = stream.sink() != null ? stream.sink() : sink;
            boolean keyed = kind == SinkKind.KINESIS || kind == SinkKind.SQS;
            if (stream.partitionKey() != null && !keyed) {
                problems.add(prefix + "partition-key means nothing for the " + kind.value()
                        + " sink, which has no partitions; only kinesis and sqs streams take a partition key");
            }
            if (stream.ordering() == Ordering.PER_KEY && !keyed) {
                problems.add(prefix + "ordering: per-key means nothing for the " + kind.value()
                        + " sink, which keeps no order per key; only kinesis and sqs streams do");
            }
            if (stream.packBytes().toBytes() > 0 && kind == SinkKind.SQS) {
                problems.add(prefix + "pack-bytes means nothing for the sqs sink: one message is one event, so"
                        + " that consumers acknowledge and FIFO queues deduplicate each event on its own");
            }
            if (stream.packFormat() == PackFormat.KPL && kind != SinkKind.KINESIS) {
                problems.add(prefix + "pack-format: kpl means nothing for the " + kind.value()
                        + " sink: the KPL's aggregation format is read by Kinesis consumers only");
            }
            if (stream.quota().isSet() && kind == SinkKind.LOCAL) {
                problems.add(prefix + "quota means nothing for the local sink, which has no service quota");
            }
        }
        return problems;
    }

    /**
     * Settings of one stream.
     *
     * @param sink the kind of sink the stream is sent to; {@code gateway.sink} when not set
     * @param destination what the stream is sent to at its sink (a Firehose delivery stream, a
     *     Kinesis stream's name or ARN, a queue's name or URL); the stream's own name when not set
     * @param partitionKey a JSON Pointer (RFC 6901) to each event's partition key, such as
     *     {@code /user/id}; the event id when not set. Kinesis and SQS streams only
     * @param ordering {@code per-key}: of two events with the same key, the one admitted first
     *     reaches the destination first, also across retries; {@code none} (the default): a retried
     *     record can land after later ones. Kinesis and SQS streams only
     * @param packBytes pack several events into one record up to this size (5KB matches Firehose's
     *     billing step), at most the largest record of the stream's sink; 0 sends each event as its
     *     own record, as destinations that treat one record as one document need
     * @param quota the stream's throughput quota to stay under; off unless set
     * @param metadata the facts the gateway adds to each event of the stream, under a member of their
     *     own; none unless set
     * @param maxInFlight calls the stream keeps in flight at most, the ceiling of its adaptive limit
     *     (throttling still halves it); {@code gateway.delivery.max-in-flight} when not set. An SQS
     *     stream, whose calls carry 10 messages, is bounded by it: raise it there without raising
     *     it for every stream
     * @param packFormat how events share a record: {@code lines} (the default), joined with newlines
     *     up to {@code pack-bytes}; {@code kpl}, Kinesis streams only: aggregated in the Kinesis
     *     Producer Library's format, each event a user record with its own partition key, in
     *     aggregates of up to {@code pack-bytes} (the largest record when 0) that each hold only
     *     events of one shard
     */
    public record StreamProperties(
            SinkKind sink,
            String destination,

            @Pattern(regexp = "(/([^~/]|~[01])*)+", message = "must be a JSON Pointer (RFC 6901) such as /user/id")
            String partitionKey,

            Ordering ordering,
            @DefaultValue("0B") @NotNull DataSize packBytes,
            @DefaultValue Quota quota,
            @DefaultValue @Valid Metadata metadata,

            @Min(value = 1, message = "max-in-flight must be between 1 and 1024")
            @Max(value = 1024, message = "max-in-flight must be between 1 and 1024")
            Integer maxInFlight,

            @DefaultValue("lines") @NotNull PackFormat packFormat) {

        static final StreamProperties DEFAULTS =
                new StreamProperties(null, null, null, null, DataSize.ofBytes(0), Quota.NONE, Metadata.OFF);

        /** The binding constructor: every setting. */
        @ConstructorBinding
        public StreamProperties {}

        /** A stream that packs, if at all, into lines. */
        public StreamProperties(
                SinkKind sink,
                String destination,
                String partitionKey,
                Ordering ordering,
                DataSize packBytes,
                Quota quota,
                Metadata metadata,
                Integer maxInFlight) {
            this(sink, destination, partitionKey, ordering, packBytes, quota, metadata, maxInFlight, PackFormat.LINES);
        }

        /** A stream with {@code gateway.delivery.max-in-flight} as its ceiling. */
        public StreamProperties(
                SinkKind sink,
                String destination,
                String partitionKey,
                Ordering ordering,
                DataSize packBytes,
                Quota quota,
                Metadata metadata) {
            this(sink, destination, partitionKey, ordering, packBytes, quota, metadata, null);
        }

        @AssertTrue(message = "destination must not be blank; leave it out to send to the stream's own name")
        boolean isDestinationNotBlank() {
            return destination == null || !destination.isBlank();
        }

        @AssertTrue(message = "pack-bytes must not be negative")
        boolean isPackBytesPositiveOrZero() {
            return packBytes.toBytes() >= 0;
        }
    }

    /**
     * What the gateway adds to each event of a stream after reading and checking it: one member,
     * named by the operator, holding the facts asked for. Off, the default, it adds nothing.
     *
     * @param member the name of the member the facts go under; an event that already has a
     *     top-level member of this name is refused rather than overwritten
     * @param facts which facts to add, in any order (they are written in the order of {@link
     *     MetadataFact}); empty, the default, adds no member at all
     */
    public record Metadata(
            @DefaultValue(DEFAULT_MEMBER) @NotNull @Pattern(regexp = MEMBER_PATTERN)
            String member,

            @DefaultValue @NotNull List<MetadataFact> facts) {

        static final String DEFAULT_MEMBER = "_meta";

        /**
         * A member name written into events as it is, so it needs no escaping, and never {@code id},
         * which holds the event's id.
         */
        static final String MEMBER_PATTERN = "(?!id$)[A-Za-z0-9_$@.-]{1,64}";

        /** No metadata. */
        public static final Metadata OFF = new Metadata(DEFAULT_MEMBER, List.of());

        public Metadata {
            facts = List.copyOf(facts);
        }

        /** Whether any fact is added. */
        public boolean isOn() {
            return !facts.isEmpty();
        }
    }

    /** A fact the gateway can add to an event, in the order they are written. */
    public enum MetadataFact {
        /** When the gateway received the request, RFC 3339 in UTC with milliseconds. */
        RECEIVED_AT,
        /** The name of the API key the request came with ({@code open} on an open gateway). */
        KEY,
        /** The request's id: the client's valid {@code X-Request-Id}, else one the gateway made. */
        REQUEST_ID,
        /** The gateway instance that received it: {@code gateway.instance}. */
        INSTANCE,
        /** The client's address, from forwarded headers only behind a trusted proxy. */
        CLIENT_ADDRESS,
        /**
         * The page's origin: the request's {@code Origin} as sent (for the pixel, else the origin of
         * its {@code Referer}); null when it had none, as from a server.
         */
        ORIGIN,
        /** The hash of the JSON Schema the event was checked against; null when it was not checked. */
        SCHEMA_HASH
    }

    /**
     * A Direct PUT stream's throughput quota (us-east-1, us-west-2, eu-west-1: 500,000 records/s,
     * 2,000 requests/s, 5 MiB/s; other regions: 100,000 records/s, 1,000 requests/s, 1 MiB/s), shared
     * by every replica; 0 leaves a dimension unshaped.
     *
     * @param recordsPerSecond records per second
     * @param requestsPerSecond PutRecordBatch calls per second
     * @param bytesPerSecond bytes per second
     */
    public record Quota(
            @DefaultValue("0") @Min(0) long recordsPerSecond,
            @DefaultValue("0") @Min(0) long requestsPerSecond,
            @DefaultValue("0B") @NotNull DataSize bytesPerSecond) {

        static final Quota NONE = new Quota(0, 0, DataSize.ofBytes(0));

        /** Whether any dimension is shaped. */
        public boolean isSet() {
            return recordsPerSecond > 0 || requestsPerSecond > 0 || bytesPerSecond.toBytes() > 0;
        }
    }

    /**
     * The bound on memory: events waiting to be delivered and events of requests being read.
     *
     * @param maxRecords events held at most
     * @param maxBytes bytes of events held at most
     * @param retryAfter the {@code Retry-After} told to clients when the buffer is full
     * @param requestShare the largest part of the buffer, in events and in bytes, one request may
     *     hold; a request with more is refused as too large, since it could never be taken
     * @param keyShare the largest part of the buffer the bodies being read for one API key may hold
     *     together, so that one key's stalled or slow uploads cannot fill it for every other key
     */
    public record Buffer(
            @DefaultValue("200000") @Min(1) long maxRecords,
            @DefaultValue("128MB") @NotNull DataSize maxBytes,
            @DefaultValue("1s") @NotNull Duration retryAfter,

            @DefaultValue("0.25") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1")
            double requestShare,

            @DefaultValue("0.5") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1")
            double keyShare) {}

    /**
     * When clients are answered, and how records are batched and sent.
     *
     * @param mode {@code confirmed}: after the destination accepted every event; {@code journaled}:
     *     once fsync'd to the local journal; {@code buffered}: once in memory
     * @param timeout in confirmed mode, how long an event may take to be delivered before it counts
     *     as failed
     * @param configurationFaultPause in buffered and journaled modes, how long a stream pauses after the destination
     *     said its configuration is wrong (no such stream, access denied) before it tries again
     * @param drainTimeout on shutdown, how long the gateway keeps delivering what it holds
     * @param deadLetterDirectory in buffered and journaled modes, where events that the destination
     *     rejects for good are written, with the reason, instead of being dropped
     * @param linger how long a batch waits for more records before it is sent, so concurrent requests
     *     share calls
     * @param sendWhenIdle send a batch a client waits for at once when no call is in flight instead
     *     of waiting out the linger (see {@code send-when-idle-after-calls}); false always lingers,
     *     for fewer, fuller calls at the cost of latency
     * @param sendWhenIdleAfterCalls with {@code send-when-idle}, also send at once a batch that
     *     filled while calls were in flight when their answers leave the stream idle; false lets it
     *     fill for the rest of its linger, as the clients those answers release are about to send:
     *     fuller calls, but on 2 cores fewer single-event requests a second at 64 connections
     * @param lingerAgainAfterFull a batch opened when the one before it filled lingers once more if its
     *     linger passes while a call is in flight: the stream fills calls faster than its linger, so the
     *     requests those calls' answers release fill it; false sends it at its linger, part-full
     * @param maxInFlight calls in flight at once per stream, for the streams that set no {@code
     *     max-in-flight} of their own; each sink's connection pool is sized from its streams' caps
     * @param initialBackoff the first retry waits up to this long (full jitter), doubling per attempt
     * @param maxBackoff retries never wait longer than this
     */
    public record Delivery(
            @DefaultValue("confirmed") @NotNull DeliveryMode mode,
            @DefaultValue("10s") @NotNull Duration timeout,
            @DefaultValue("30s") @NotNull Duration configurationFaultPause,
            @DefaultValue("20s") @NotNull Duration drainTimeout,
            @DefaultValue("./dead-letter") @NotNull java.nio.file.Path deadLetterDirectory,
            @DefaultValue("5ms") @NotNull Duration linger,
            @DefaultValue("true") boolean sendWhenIdle,
            @DefaultValue("true") boolean sendWhenIdleAfterCalls,
            @DefaultValue("true") boolean lingerAgainAfterFull,
            @DefaultValue("16") @Min(1) @Max(1024) int maxInFlight,
            @DefaultValue("50ms") @NotNull Duration initialBackoff,
            @DefaultValue("5s") @NotNull Duration maxBackoff) {}
}
