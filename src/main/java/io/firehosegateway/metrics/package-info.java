/**
 * Every meter the gateway publishes: names, tags and units in one place, so a dashboard author
 * reads one class and Prometheus never sees one meter registered with two sets of tag keys.
 */
package io.firehosegateway.metrics;
