package io.firehosegateway.api;

import org.springframework.http.MediaType;

/** The body formats {@code POST /events} takes. */
enum EventFormat {
    /** One JSON object, or a non-empty JSON array of objects. */
    JSON,
    /** One JSON object per line; blank lines and CRLF are tolerated. */
    NDJSON;

    static final String NDJSON_VALUE = "application/x-ndjson";

    /** Parsed once: {@link #of} runs on every request. */
    private static final MediaType NDJSON_TYPE = MediaType.parseMediaType(NDJSON_VALUE);

    static EventFormat of(MediaType contentType) {
        return contentType.isCompatibleWith(NDJSON_TYPE) ? NDJSON : JSON;
    }
}
