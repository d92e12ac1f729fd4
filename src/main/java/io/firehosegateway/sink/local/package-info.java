/**
 * The embedded default sink: records written as files on local disk in Firehose's S3 layout, so
 * the gateway runs with no configuration and a newcomer sees its output at once.
 */
package io.firehosegateway.sink.local;
