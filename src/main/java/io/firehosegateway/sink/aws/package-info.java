/**
 * What every AWS sink shares: the region, the timeouts of one call and the HTTP client's I/O
 * threads ({@code gateway.aws.*}).
 */
package io.firehosegateway.sink.aws;
