package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.SinkLimits;

/** Amazon SQS's limits of one {@code SendMessageBatch} call, as raised in August 2025. */
public final class SqsLimits {

    /** One MiB: the largest message, and the largest call, body and attributes counted. */
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    /**
     * What each message adds besides its body, kept for every record: the attributes {@code event-id}
     * (an id of up to 512 characters, each at most 6 bytes once characters SQS refuses are escaped)
     * and {@code stream} (up to 64 characters), names and types counted as SQS counts them. 4 KiB
     * holds the largest of both.
     */
    static final int ATTRIBUTE_BYTES = 4 * 1024;

    /** Each 64 KiB chunk of a call's payload is billed as one request. */
    static final int BILLING_CHUNK_BYTES = 64 * 1024;

    /**
     * 10 entries a call; 1 MiB a call and a message, each record counted as its body plus
     * {@link #ATTRIBUTE_BYTES}, so the largest event is 1 MiB less those 4 KiB (its trailing newline,
     * which is not sent, included); bodies are sent as they are (the JSON protocol sends them as JSON
     * strings, which SQS counts as their characters' UTF-8 bytes); one event a message; billed per
     * call, not per record (see {@link SqsSink#billedUnitsOfCall}).
     */
    public static final SinkLimits LIMITS = new SinkLimits(
            10,
            MAX_MESSAGE_BYTES,
            SinkLimits.Encoding.RAW,
            ATTRIBUTE_BYTES,
            0,
            MAX_MESSAGE_BYTES - ATTRIBUTE_BYTES,
            1,
            0);

    private SqsLimits() {}

    /** The requests SQS bills for a call of {@code payloadBytes}: one per 64 KiB chunk, at least one. */
    static long billedRequests(long payloadBytes) {
        return Math.max(1, (payloadBytes + BILLING_CHUNK_BYTES - 1) / BILLING_CHUNK_BYTES);
    }
}
