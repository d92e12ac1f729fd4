package io.firehosegateway.sink;

/** How a stream's events share a record at its destination, when {@code pack-bytes} lets them. */
public enum PackFormat {

    /**
     * Events joined one after the other, each ending with its newline, under the partition key of
     * the record's first event: consumers split records into lines themselves.
     */
    LINES,

    /**
     * The Kinesis Producer Library's aggregation format: each event stays a user record of its own,
     * with its own partition key, which the KCL, the Lambda deaggregation modules and Firehose
     * unpack without the consumer knowing. Kinesis streams only.
     */
    KPL
}
