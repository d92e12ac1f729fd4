/**
 * Amazon Data Firehose as the sink: the one {@code FirehoseAsyncClient} and its settings, the call
 * itself, the classification of its failures, and the health check made once at start.
 */
package io.firehosegateway.sink.firehose;
