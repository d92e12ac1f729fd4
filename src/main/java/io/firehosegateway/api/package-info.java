/**
 * The HTTP API: the event endpoints, the reading and checking of request bodies, and every error
 * as an RFC 9457 problem. It talks only to the pipeline.
 */
package io.firehosegateway.api;
