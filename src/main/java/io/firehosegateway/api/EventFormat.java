package io.firehosegateway.api;

import org.springframework.http.MediaType;

/** The body formats {@code POST /events} takes. */
enum EventFormat {
    /** One JSON object, or a non-empty JSON array of objects. */
    JSON,
    /** One JSON object per line; blank lines and CRLF are tolerated. */
    NDJSON,
    /**
     * {@code text/plain}, what a page's {@code navigator.sendBeacon(url, string)} sends: JSON or
     * NDJSON, told apart by {@link PlainTextBodies} from the body's first line.
     */
    PLAIN_TEXT;

    static final String NDJSON_VALUE = "application/x-ndjson";

    /** Parsed once: {@link #of} runs on every request. */
    private static final MediaType NDJSON_TYPE = MediaType.parseMediaType(NDJSON_VALUE);

    static EventFormat of(MediaType contentType) {
        if (contentType.isCompatibleWith(NDJSON_TYPE)) {
            return NDJSON;
        }
        return contentType.isCompatibleWith(MediaType.TEXT_PLAIN) ? PLAIN_TEXT : JSON;
    }
}
