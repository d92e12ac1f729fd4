/**
 * The load generator: jobs that make test events, as the original lesson's sender did, and push
 * them through the same pipeline as client traffic, taking only the buffer room clients leave.
 */
package io.firehosegateway.generator;
