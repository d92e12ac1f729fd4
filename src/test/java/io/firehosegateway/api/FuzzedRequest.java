package io.firehosegateway.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/**
 * A request made from fuzzer bytes. The first byte picks the content type (bits 0-2), the content
 * encoding (bits 3-4) and the path (bits 5-7); the second picks how the API key is sent (bits 0-3,
 * modulo the number of ways) and query parameters added to the path (bits 4-7); bits 0-3 divided by
 * the number of ways to send the key pick the {@code X-Request-Id} (none below 5, so older inputs
 * keep their meaning); the rest is the body. The seed corpus is written in this layout, so it stays
 * readable: two bytes, then JSON.
 */
record FuzzedRequest(
        String path, String contentType, String encoding, String[] keyHeader, String requestId, byte[] body) {

    static final String KEY = "fuzz-key-0123456789abcdef";
    static final String AUDIT_KEY = "audit-key-0123456789abcdef";

    /**
     * No unknown or malformed charset: MockMvc's filter decorator decodes the path with the request's
     * charset and throws where Tomcat answers 415 (checked against the running gateway with curl).
     */
    private static final String[] CONTENT_TYPES = {
        "application/json",
        "application/x-ndjson",
        "application/json; charset=UTF-8",
        "application/x-ndjson; charset=ISO-8859-1",
        "text/plain",
        null,
        "application/vnd.events+json",
        "json",
    };

    /** The last means "compress the body here", so valid gzip reaches the parser as often as not. */
    private static final String[] ENCODINGS = {null, "gzip", "br", "gzip+compress"};

    private static final String[] PATHS = {
        "/events",
        "/streams/events/events",
        "/streams/audit/events",
        "/streams/no-such-stream/events",
        "/events?ids=true",
        "/events?ids=maybe",
        "/streams/%2e%2e/events",
        // Into a stream without a schema (the generator refuses one with a schema), with metadata.
        "/events/generate?count=2&stream=generated",
    };

    /** None, one the gateway takes, and two it replaces: with a quote and backslash, and too long. */
    private static final String[] REQUEST_IDS = {
        null, "fuzz-req-0193a4a0", "has \"quotes\" \\ and \u00e9", "r".repeat(129)
    };

    /** Added to the path: spellings a lenient parser would take, and the strict ones. */
    private static final String[] QUERIES = {
        "",
        "ids=on",
        "ids=",
        "ids=TRUE",
        "ids=1",
        "ids=true&ids=false",
        "count=%2B5",
        "count=%201%20",
        "count=%EF%BC%95",
        "count=%D9%A5",
        "count=",
        "wait=on",
        "wait=true",
        "ids=false",
        "ids=%74rue",
        "p=%C0%AF",
    };

    private static final String[][] KEY_HEADERS = {
        {"Authorization", "Bearer " + KEY},
        {"X-API-Key", KEY},
        {},
        {"Authorization", "Bearer not-the-key-0000000000"},
        {"X-API-Key", AUDIT_KEY},
    };

    static FuzzedRequest of(byte[] input) {
        int control = input.length > 0 ? input[0] & 0xFF : 0;
        int second = input.length > 1 ? input[1] & 0xFF : 0;
        int key = (second & 0x0F) % KEY_HEADERS.length;
        String requestId = REQUEST_IDS[(second & 0x0F) / KEY_HEADERS.length];
        String query = QUERIES[second >> 4];
        byte[] body = input.length > 2 ? Arrays.copyOfRange(input, 2, input.length) : new byte[0];
        String encoding = ENCODINGS[(control >> 3) & 0b11];
        if ("gzip+compress".equals(encoding)) {
            body = gzip(body);
            encoding = "gzip";
        }
        String path = PATHS[(control >> 5) & 0b111];
        if (!query.isEmpty()) {
            path += (path.contains("?") ? "&" : "?") + query;
        }
        return new FuzzedRequest(path, CONTENT_TYPES[control & 0b111], encoding, KEY_HEADERS[key], requestId, body);
    }

    MockHttpServletRequestBuilder toRequest() {
        // A query is sent as written: the URI template form would encode its % signs again.
        MockHttpServletRequestBuilder request = (path.contains("?")
                        ? MockMvcRequestBuilders.post(java.net.URI.create(path))
                        : MockMvcRequestBuilders.post(path))
                .content(body)
                .accept("application/json");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (encoding != null) {
            request.header("Content-Encoding", encoding);
        }
        if (keyHeader.length == 2) {
            request.header(keyHeader[0], keyHeader[1]);
        }
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        return request;
    }

    @Override
    public String toString() {
        return "POST " + path + " Content-Type: " + contentType + " Content-Encoding: " + encoding + " "
                + String.join(": ", keyHeader) + " X-Request-Id: " + requestId + " with " + body.length + " bytes";
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
