package io.firehosegateway.sink;

/**
 * One record of a call: its bytes and what a sink may need to address it.
 *
 * @param data the record's bytes: one framed event, or several packed
 * @param key the partition key of its events, as the stream's {@code partition-key} found it (the
 *     event id when none is set); the sink maps it into its service's alphabet and length
 * @param id the id of its (first) event: what a sink that deduplicates or labels messages uses
 */
public record SinkRecord(byte[] data, String key, String id) {

    /** A record whose key is its id, as when a stream sets no {@code partition-key}. */
    public static SinkRecord of(byte[] data, String id) {
        return new SinkRecord(data, id, id);
    }
}
