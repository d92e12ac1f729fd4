package io.firehosegateway.event;

/**
 * One client event, ready to send.
 *
 * @param id the event's id: the client's own top-level string {@code id}, or one the gateway added
 * @param framed the event's JSON object written compactly, followed by {@code \n}, as UTF-8
 */
public record Event(String id, byte[] framed) {

    /** Size of the framed event in bytes, the unit of every size limit and of the buffer budget. */
    public int size() {
        return framed.length;
    }
}
