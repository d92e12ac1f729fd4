package io.firehosegateway.security;

import io.firehosegateway.api.Pixel;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.problem.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts the requests whose answer nobody reads: a page's {@code sendBeacon} (a {@code text/plain}
 * POST of events) cannot see its answer, and a pixel ({@code GET /streams/{stream}/pixel}) is
 * answered the same GIF whatever became of its event, so a refusal would go unnoticed. Each is counted by key and
 * outcome ({@link GatewayMetrics#BEACON_REQUESTS}), and a refusal is logged the first time a key is
 * refused for a reason only: a page that keeps sending a bad beacon would otherwise fill the log.
 *
 * <p>It sits in the security chain ahead of authentication, so that 401, 403 and 429 are counted
 * too, while the request's client is still known when the answer has been written.
 */
final class BeaconOutcomeFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(BeaconOutcomeFilter.class);

    private static final String TEXT_PLAIN = "text/plain";

    private final RequestMatcher eventPaths;
    private final RequestMatcher pixel;
    private final GatewayMetrics metrics;
    /** Key name and reason: as many as keys times problem types, so it stays small. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    BeaconOutcomeFilter(RequestMatcher eventPaths, RequestMatcher pixel, GatewayMetrics metrics) {
        this.eventPaths = eventPaths;
        this.pixel = pixel;
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isBeacon(request) && !pixel.matches(request);
    }

    private boolean isBeacon(HttpServletRequest request) {
        String contentType = request.getContentType();
        return HttpMethod.POST.matches(request.getMethod())
                && contentType != null
                && contentType.strip().toLowerCase(Locale.ROOT).startsWith(TEXT_PLAIN)
                && eventPaths.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean isPixel = pixel.matches(request);
        PixelResponse pixelResponse = isPixel ? new PixelResponse(response) : null;
        try {
            chain.doFilter(request, isPixel ? pixelResponse : response);
        } finally {
            String key = ApiKeyAuthentication.current().map(ApiClient::name).orElse("none");
            int status = isPixel ? pixelResponse.status : response.getStatus();
            count(request, key, status, isPixel ? "pixel" : "beacon");
        }
        if (isPixel) {
            // The chain's answer, a problem or the pixel, is dropped: an image shows nothing else.
            Pixel.write(response);
        }
    }

    private void count(HttpServletRequest request, String key, int status, String kind) {
        if (status < 400) {
            metrics.beaconRequest(key, GatewayMetrics.OUTCOME_ACCEPTED, "none");
            return;
        }
        String reason =
                request.getAttribute(ProblemType.ANSWERED_ATTRIBUTE) instanceof String type ? type : "status-" + status;
        metrics.beaconRequest(key, GatewayMetrics.OUTCOME_REFUSED, reason);
        if (logged.add(key + '\n' + reason)) {
            log.warn(
                    "A {} with key '{}' was refused ({}, {}); its page cannot read the answer. Further"
                            + " refusals of this key for this reason are counted in {}, not logged",
                    kind,
                    key,
                    status,
                    reason,
                    GatewayMetrics.BEACON_REQUESTS);
        }
    }

    /** Keeps the chain's status and drops everything it writes, so that the pixel can be written after. */
    private static final class PixelResponse extends HttpServletResponseWrapper {

        private int status = SC_OK;
        private final ServletOutputStream discarded = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException("a pixel's chain writes synchronously");
            }

            @Override
            public void write(int b) {}

            @Override
            public void write(byte[] bytes, int offset, int length) {}
        };
        private final PrintWriter writer = new PrintWriter(discarded, false, StandardCharsets.UTF_8);

        PixelResponse(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setStatus(int status) {
            this.status = status;
        }

        @Override
        public int getStatus() {
            return status;
        }

        @Override
        public void sendError(int status) {
            this.status = status;
        }

        @Override
        public void sendError(int status, String message) {
            this.status = status;
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return discarded;
        }

        @Override
        public PrintWriter getWriter() {
            return writer;
        }

        @Override
        public void setContentType(String type) {}

        @Override
        public void setContentLength(int length) {}

        @Override
        public void setContentLengthLong(long length) {}

        @Override
        public void setHeader(String name, String value) {}

        @Override
        public void addHeader(String name, String value) {}

        @Override
        public void setIntHeader(String name, int value) {}

        @Override
        public void addIntHeader(String name, int value) {}

        @Override
        public void flushBuffer() {}

        @Override
        public boolean isCommitted() {
            return false;
        }

        @Override
        public void reset() {}

        @Override
        public void resetBuffer() {}
    }
}
