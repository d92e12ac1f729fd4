/**
 * The event as the gateway carries it: its id and its framed bytes, the time-ordered ids given to
 * events that come without one, and the names of the streams ({@link
 * io.firehosegateway.event.KnownStreams}) that features check their settings against. Every other
 * package may depend on it; it depends on nothing else of the gateway.
 */
package io.firehosegateway.event;
