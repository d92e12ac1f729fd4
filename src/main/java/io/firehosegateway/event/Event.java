package io.firehosegateway.event;

/**
 * One client event, ready to send.
 *
 * @param id the event's id: the client's own top-level string {@code id}, or one the gateway added
 * @param framed the event's JSON object written compactly, followed by {@code \n}, as UTF-8
 * @param key its partition key when its stream found one in it; {@code null} when the key is the id
 *     or not yet known
 */
public record Event(String id, byte[] framed, String key) {

    /** An event whose partition key is not known yet. */
    public Event(String id, byte[] framed) {
        this(id, framed, null);
    }

    /** This event with its partition key. */
    public Event withKey(String key) {
        return new Event(id, framed, key);
    }

    /** Size of the framed event in bytes, the unit of every size limit and of the buffer budget. */
    public int size() {
        return framed.length;
    }
}
