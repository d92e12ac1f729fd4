package io.firehosegateway.security;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * CORS for the event endpoints and the tracker, and only for the origins some browser key lists (read from the keys
 * in use, so a reloaded keys file counts at once). Any other request gets no CORS configuration at
 * all, so no CORS header: Spring's processor would otherwise refuse an unknown origin with a bare
 * 403 of its own, where the chain answers a problem.
 */
final class BrowserCors implements CorsConfigurationSource {

    /** What a page may send besides the CORS-safelisted headers; a new request header is one line here. */
    static final List<String> ALLOWED_HEADERS = List.of(
            HttpHeaders.CONTENT_TYPE,
            HttpHeaders.AUTHORIZATION,
            ApiKeyAuthenticationFilter.API_KEY_HEADER,
            "Idempotency-Key");

    /** What a page may read of an answer: when to try again, and the id to quote. */
    static final List<String> EXPOSED_HEADERS = List.of(HttpHeaders.RETRY_AFTER, "X-Request-Id");

    /** Chromium caps a preflight's max-age at two hours; longer would only mislead. */
    static final Duration MAX_AGE = Duration.ofHours(2);

    /** The tracker, a module a page imports: a module script is fetched with CORS, from the gateway's origin. */
    static final String TRACKER = "/tracker.js";

    private final RequestMatcher eventPaths;
    private final RequestMatcher tracker;
    private final ApiKeyRegistry keys;

    BrowserCors(RequestMatcher eventPaths, RequestMatcher tracker, ApiKeyRegistry keys) {
        this.eventPaths = eventPaths;
        this.tracker = tracker;
        this.keys = keys;
    }

    @Override
    public CorsConfiguration getCorsConfiguration(HttpServletRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null || !keys.browserOrigins().contains(origin)) {
            return null;
        }
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(List.of(origin));
        if (tracker.matches(request)) {
            cors.setAllowedMethods(List.of(HttpMethod.GET.name()));
            return cors;
        }
        if (!eventPaths.matches(request)) {
            return null;
        }
        cors.setAllowedMethods(List.of(HttpMethod.POST.name()));
        cors.setAllowedHeaders(ALLOWED_HEADERS);
        cors.setExposedHeaders(EXPOSED_HEADERS);
        cors.setAllowCredentials(false);
        cors.setMaxAge(MAX_AGE);
        return cors;
    }
}
