/**
 * What every AWS sink shares: the settings of its client ({@code gateway.aws.*}), the one place
 * that applies them to every SDK client builder, and how a failure reads whatever the service.
 */
package io.firehosegateway.sink.aws;
