package io.firehosegateway.pipeline;

/** When the gateway answers a client, and so what its answer promises. */
public enum DeliveryMode {

    /** Answer once the destination accepted every event of the request, within the delivery timeout. */
    CONFIRMED,

    /**
     * Answer once the events are fsync'd to the local journal; they are retried until delivered, and
     * what is undelivered at a crash or restart is delivered after the next start.
     */
    JOURNALED,

    /** Answer once the events are in memory; they are retried until delivered, and a crash loses them. */
    BUFFERED
}
