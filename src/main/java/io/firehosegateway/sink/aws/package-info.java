/**
 * What every AWS sink shares: the settings of its client ({@code gateway.aws.*}) and the one place
 * that applies them to every SDK client builder, how a failure reads whatever the service, the error
 * codes every service answers alike, and the health check that describes each destination once at
 * start. Each sink keeps its own request building and its own codes.
 */
package io.firehosegateway.sink.aws;
