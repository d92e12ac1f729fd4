package io.firehosegateway.idempotency;

import java.util.Map;

/**
 * The answer given to the first request with a key, as it is given again to the same key.
 *
 * @param status the HTTP status
 * @param headers the headers that say something of the answer (not those of the connection)
 * @param body the body's bytes
 */
public record KeptAnswer(int status, Map<String, String> headers, byte[] body) {

    public KeptAnswer {
        headers = Map.copyOf(headers);
    }
}
