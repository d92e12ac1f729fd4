/**
 * Amazon Kinesis Data Streams as the sink: the one {@code KinesisAsyncClient} and its settings, the
 * {@code PutRecords} call, the mapping of partition keys into what Kinesis takes, the limits of each
 * destination (learned once from {@code DescribeStreamSummary}), the classification of failures, and
 * the health check made once at start.
 */
package io.firehosegateway.sink.kinesis;
