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
import java.util.function.Function;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The last step of the chain for the API's endpoints: the request is authenticated and authorized
 * by now. It spends one token of its key's bucket when a rate limit is set, answering 429 with
 * {@code Retry-After} when the bucket is empty, and counts the request as allowed or rate-limited.
 * The open gateway's single client is never limited: a limit is per key, and it has none.
 *
 * <p>A browser key is shared by every visitor of its pages, so one bucket for it would let one
 * visitor starve all the others: it has a bucket per client address instead, by its {@code
 * rate-limit-per-client}, or the gateway's rate limit when that is off.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    /** Past this many visitors' buckets, the full ones are dropped: a full bucket is as good as none. */
    private static final int CLIENT_BUCKETS_BEFORE_SWEEP = 10_000;

    private final RequestMatcher apiRequests;
    private final SecurityProperties.RateLimit limit;
    private final SecurityProblems problems;
    private final GatewayMetrics metrics;
    private final Function<HttpServletRequest, String> clientAddresses;
    /** By key name: a rotated key keeps its name's bucket, so rotation is no way around the limit. */
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    /** By browser key name and client address. */
    private final Map<String, ClientBucket> clientBuckets = new ConcurrentHashMap<>();

    private record ClientBucket(Bucket bucket, long capacity) {}

    RateLimitFilter(
            RequestMatcher apiRequests,
            SecurityProperties.RateLimit limit,
            SecurityProblems problems,
            GatewayMetrics metrics,
            Function<HttpServletRequest, String> clientAddresses) {
        this.apiRequests = apiRequests;
        this.limit = limit;
        this.problems = problems;
        this.metrics = metrics;
        this.clientAddresses = clientAddresses;
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
            Bucket bucket = bucketOf(client.get(), request);
            if (bucket != null) {
                ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
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

    /** The bucket the request spends from; null when it is not limited. */
    private Bucket bucketOf(ApiClient client, HttpServletRequest request) {
        if (client == ApiClient.OPEN) {
            return null;
        }
        if (!client.browser()) {
            return limit.enabled() ? buckets.computeIfAbsent(client.name(), name -> newBucket(limit)) : null;
        }
        SecurityProperties.RateLimit perClient = client.perClient().enabled() ? client.perClient() : limit;
        if (!perClient.enabled()) {
            return null;
        }
        if (clientBuckets.size() > CLIENT_BUCKETS_BEFORE_SWEEP) {
            clientBuckets.values().removeIf(held -> held.bucket().getAvailableTokens() >= held.capacity());
        }
        return clientBuckets
                .computeIfAbsent(
                        client.name() + '\n' + clientAddresses.apply(request),
                        visitor -> new ClientBucket(newBucket(perClient), perClient.capacity()))
                .bucket();
    }

    private static Bucket newBucket(SecurityProperties.RateLimit limit) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(limit.capacity())
                        .refillGreedy(limit.requestsPerSecond(), Duration.ofSeconds(1))
                        .build())
                .build();
    }
}
