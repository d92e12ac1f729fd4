/**
 * What every AWS sink shares: the region, the timeouts of one call and the HTTP client's I/O
 * threads ({@code gateway.aws.*}), and the reading of an SDK failure's transport and error code
 * that each sink's classifier starts from.
 */
package io.firehosegateway.sink.aws;
