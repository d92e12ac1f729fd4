/**
 * The event as the gateway carries it: its id and its framed bytes, the time-ordered ids given to
 * events that come without one, and the test events of the load generator. Depends on nothing else
 * of the gateway.
 */
package io.firehosegateway.event;
