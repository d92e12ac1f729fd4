package io.firehosegateway.security;

import io.firehosegateway.api.EventPaths;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.servletapi.SecurityContextHolderAwareRequestWrapper;
import org.springframework.web.cors.CorsProcessor;
import org.springframework.web.cors.CorsUtils;

/**
 * What Spring Security's chain does for the event endpoints ({@code /events}, {@code
 * /streams/{stream}/events}, any method), in one plain filter: the chain walks a dozen filters and
 * every authorization rule for each request, which the profile put at 8.5 % of a single event's CPU
 * (docs/benchmarks.md). It runs right after the chain, whose firewall has checked the request by
 * then and which leaves these paths alone, and answers the same: the chain's own security headers,
 * CORS for browser keys, 401 and 403 problems from {@link SecurityProblems}, the beacon's count and
 * the rate limit, from the instances the chain uses for the other paths.
 */
final class EventPathFilter implements Filter {

    /** The chain's default, for {@code isUserInRole}. */
    private static final String ROLE_PREFIX = "ROLE_";

    private final HeaderWriterFilter headers;
    private final SecurityFilters filters;
    private final ApiKeyRegistry keys;
    private final CorsProcessor cors = new ContentTypeBlindCors();
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    EventPathFilter(HeaderWriterFilter headers, SecurityFilters filters, ApiKeyRegistry keys) {
        this.headers = headers;
        this.filters = filters;
        this.keys = keys;
    }

    /**
     * The stream an event path sends to ({@code /events}: the default one), or null for any other
     * path: matched as the chain's path patterns match, on the path within the application.
     */
    static String streamOf(HttpServletRequest request, String defaultStream) {
        return EventPaths.streamOf(request, defaultStream);
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        String stream = streamOf(request, filters.access().defaultStreamName());
        if (stream == null) {
            chain.doFilter(servletRequest, servletResponse);
            return;
        }
        // The headers are written when the answer is committed, as in the chain, so that the
        // answer's own Cache-Control, had it one, would win.
        headers.doFilter(
                request,
                servletResponse,
                (written, writing) ->
                        crossOrigin((HttpServletRequest) written, (HttpServletResponse) writing, stream, chain));
    }

    /** As Spring's {@code CorsFilter}: a preflight, or a request the configuration refuses, ends here. */
    private void crossOrigin(HttpServletRequest request, HttpServletResponse response, String stream, FilterChain chain)
            throws IOException, ServletException {
        if (!cors.processRequest(filters.cors().getCorsConfiguration(request), request, response)
                || CorsUtils.isPreFlightRequest(request)) {
            return;
        }
        ApiClient client = ApiKeyAuthenticationFilter.clientOf(request, keys);
        if (client != null) {
            // The beacon count, the rate limit and the problems read the client where the chain puts it,
            // and the controller reads the key's name as the request's principal, as the chain wraps it.
            SecurityContext context = contexts.createEmptyContext();
            context.setAuthentication(new ApiKeyAuthentication(client));
            contexts.setContext(context);
            request = new SecurityContextHolderAwareRequestWrapper(request, ROLE_PREFIX);
        }
        try {
            BeaconOutcomeFilter beacon = filters.beacon();
            if (beacon.shouldNotFilter(request)) {
                authorized(request, response, client, stream, chain);
            } else {
                beacon.doFilterInternal(
                        request,
                        response,
                        (counted, answer) -> authorized(
                                (HttpServletRequest) counted, (HttpServletResponse) answer, client, stream, chain));
            }
        } finally {
            contexts.clearContext();
        }
    }

    /**
     * The chain's rules for these paths: a POST needs a client that may send to the stream, any other
     * method a client; without one the answer is 401, with the wrong one 403. Only a POST spends from
     * the rate limit, as the chain's rate limit matches POSTs alone.
     */
    private void authorized(
            HttpServletRequest request,
            HttpServletResponse response,
            ApiClient client,
            String stream,
            FilterChain chain)
            throws IOException, ServletException {
        boolean post = HttpMethod.POST.matches(request.getMethod());
        if (client == null) {
            filters.problems().unauthorized(request, response);
        } else if (post && !filters.access().maySend(client, stream, request)) {
            filters.problems().forbidden(request, response);
        } else if (post) {
            filters.rateLimit().doFilterInternal(request, response, chain);
        } else {
            chain.doFilter(request, response);
        }
    }
}
