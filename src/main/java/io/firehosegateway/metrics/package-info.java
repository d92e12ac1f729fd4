/**
 * Every meter the gateway publishes: names, tags and units in one place, so a dashboard author
 * reads one class and Prometheus never sees one meter registered with two sets of tag keys. The
 * pipeline, the schemas and security record through it; sinks never count themselves. Depends on
 * nothing else of the gateway.
 */
package io.firehosegateway.metrics;
