/**
 * Where records go: the {@link io.firehosegateway.sink.Sink} interface, the records of one call and
 * their per-record outcomes, each sink's limits, the failure kinds the pipeline's retry policy acts
 * on, and the choice of a sink kind per stream ({@code gateway.sink}, {@code StreamRoutes}).
 * Implementations live in {@code sink.firehose} (Amazon Data Firehose), {@code sink.kinesis}
 * (Kinesis Data Streams), {@code sink.sqs} (SQS) and {@code sink.local} (files on local disk); the
 * three AWS sinks share {@code sink.aws}. They classify their own failures but never retry, count or
 * buffer: that is the pipeline's work. Sinks depend only on this contract and {@code event}.
 */
package io.firehosegateway.sink;
