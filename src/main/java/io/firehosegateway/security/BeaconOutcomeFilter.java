package io.firehosegateway.security;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.problem.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
 * POST of events) cannot see its answer, so a refusal would go unnoticed. Each is counted by key and
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
    private final GatewayMetrics metrics;
    /** Key name and reason: as many as keys times problem types, so it stays small. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    BeaconOutcomeFilter(RequestMatcher eventPaths, GatewayMetrics metrics) {
        this.eventPaths = eventPaths;
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isBeacon(request);
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
        try {
            chain.doFilter(request, response);
        } finally {
            String key = ApiKeyAuthentication.current().map(ApiClient::name).orElse("none");
            int status = response.getStatus();
            if (status < 400) {
                metrics.beaconRequest(key, GatewayMetrics.OUTCOME_ACCEPTED, "none");
            } else {
                String reason = request.getAttribute(ProblemType.ANSWERED_ATTRIBUTE) instanceof String type
                        ? type
                        : "status-" + status;
                metrics.beaconRequest(key, GatewayMetrics.OUTCOME_REFUSED, reason);
                if (logged.add(key + '\n' + reason)) {
                    log.warn(
                            "A beacon with key '{}' was refused ({}, {}); its page cannot read the answer. Further"
                                    + " refusals of this key for this reason are counted in {}, not logged",
                            key,
                            status,
                            reason,
                            GatewayMetrics.BEACON_REQUESTS);
                }
            }
        }
    }
}
