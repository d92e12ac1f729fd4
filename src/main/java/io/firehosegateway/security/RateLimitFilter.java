package io.firehosegateway.security;

import io.firehosegateway.metrics.GatewayMetrics;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The last step of the chain for the API's endpoints: the request is authenticated and authorized
 * by now. It spends one token of its key's bucket when a rate limit is set, answering 429 with
 * {@code Retry-After} when the bucket is empty, and counts the request as allowed or rate-limited.
 * The open gateway's single client is never limited: a limit is per key, and it has none.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    private final RequestMatcher apiRequests;
    private final SecurityProperties.RateLimit limit;
    private final SecurityProblems problems;
    private final GatewayMetrics metrics;
    /** By key name: a rotated key keeps its name's bucket, so rotation is no way around the limit. */
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimitFilter(
            RequestMatcher apiRequests,
            SecurityProperties.RateLimit limit,
            SecurityProblems problems,
            GatewayMetrics metrics) {
        this.apiRequests = apiRequests;
        this.limit = limit;
        this.problems = problems;
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !apiRequests.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<ApiClient> client = ApiKeyAuthentication.current();
        if (client.isPresent()) {
            String key = client.get().name();
            if (limit.enabled() && client.get() != ApiClient.OPEN) {
                ConsumptionProbe probe =
                        buckets.computeIfAbsent(key, name -> newBucket()).tryConsumeAndReturnRemaining(1);
                if (!probe.isConsumed()) {
                    long seconds =
                            Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
                    problems.rateLimited(request, response, key, seconds);
                    return;
                }
            }
            metrics.securityRequest(key, GatewayMetrics.OUTCOME_ALLOWED);
        }
        chain.doFilter(request, response);
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(limit.capacity())
                        .refillGreedy(limit.requestsPerSecond(), Duration.ofSeconds(1))
                        .build())
                .build();
    }
}
