package io.firehosegateway.api;

import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** Opens a request body: checks its size and charset, decompresses gzip, and limits what is read. */
final class RequestBodies {

    private RequestBodies() {}

    static MediaType contentType(HttpServletRequest request) {
        MediaType type = MediaType.parseMediaType(request.getContentType());
        if (type.getCharset() != null && !StandardCharsets.UTF_8.equals(type.getCharset())) {
            throw new ProblemException(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE, "Events must be UTF-8, not " + type.getCharset());
        }
        return type;
    }

    /**
     * The body as the parser reads it; every size limit applies to the decompressed bytes, and the
     * body must arrive within the read timeout and deadline.
     */
    static InputStream open(HttpServletRequest request, ApiProperties limits) throws IOException {
        long maxBytes = limits.maxRequestSize().toBytes();
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        boolean gzip = false;
        if (encoding != null && !encoding.isBlank()) {
            String coding = encoding.trim().toLowerCase(java.util.Locale.ROOT);
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                gzip = true;
            } else if (!coding.equals("identity")) {
                throw new ProblemException(
                                ProblemType.UNSUPPORTED_ENCODING,
                                "Content-Encoding '" + encoding + "' is not supported; use gzip or none")
                        .with("supported", java.util.List.of("gzip", "identity"));
            }
        }
        long declared = request.getContentLengthLong();
        if (!gzip && declared > maxBytes) {
            throw new ProblemException(
                            ProblemType.REQUEST_TOO_LARGE,
                            "The request body is " + declared + " bytes, over the limit of " + maxBytes)
                    .with("limit", maxBytes);
        }
        InputStream body = new BodyReadDeadlineInputStream(
                request.getInputStream(), limits.bodyReadTimeout(), limits.bodyReadDeadline());
        return new LimitedInputStream(gzip ? new GzipBodyInputStream(body) : body, maxBytes);
    }
}
