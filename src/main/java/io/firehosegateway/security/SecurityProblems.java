package io.firehosegateway.security;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.RetryableProblemException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Answers the filter chain's refusals (400 from the firewall, 401, 403, 429) as problems, through the same exception
 * handling as the controllers' errors, so they have the same shape, and counts each by key name.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    /** The {@code key} tag of a request that named no valid key. */
    static final String NO_KEY = "none";

    private final HandlerExceptionResolver resolver;
    private final GatewayMetrics metrics;

    SecurityProblems(HandlerExceptionResolver resolver, GatewayMetrics metrics) {
        this.resolver = resolver;
        this.metrics = metrics;
    }

    @Override
    public void commence(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException authException) {
        unauthorized(request, response);
    }

    @Override
    public void handle(
            HttpServletRequest request, HttpServletResponse response, AccessDeniedException accessDeniedException) {
        forbidden(request, response);
    }

    /** Answers 401, saying whether the key was wrong or missing. */
    void unauthorized(HttpServletRequest request, HttpServletResponse response) {
        metrics.securityRequest(NO_KEY, GatewayMetrics.OUTCOME_UNAUTHORIZED);
        boolean rejected = request.getAttribute(ApiKeyAuthenticationFilter.REJECTED_KEY) != null;
        response.setHeader(
                HttpHeaders.WWW_AUTHENTICATE,
                rejected
                        ? "Bearer realm=\"firehose-gateway\", error=\"invalid_token\""
                        : "Bearer realm=\"firehose-gateway\"");
        String detail = rejected
                ? "The API key is not valid"
                : "An API key is needed: send it as 'Authorization: Bearer <key>' or '"
                        + ApiKeyAuthenticationFilter.API_KEY_HEADER + ": <key>'";
        resolve(request, response, new ProblemException(ProblemType.UNAUTHORIZED, detail));
    }

    /** Answers 403 for the request's client. */
    void forbidden(HttpServletRequest request, HttpServletResponse response) {
        String key = ApiKeyAuthentication.current().map(ApiClient::name).orElse(NO_KEY);
        metrics.securityRequest(key, GatewayMetrics.OUTCOME_FORBIDDEN);
        resolve(
                request,
                response,
                new ProblemException(
                                ProblemType.FORBIDDEN,
                                "The API key '" + key + "' may not do this: its streams or its generator right"
                                        + " do not cover it")
                        .with("key", key));
    }

    /** Answers 429 with {@code Retry-After}. */
    void rateLimited(HttpServletRequest request, HttpServletResponse response, String key, long retryAfterSeconds) {
        metrics.securityRequest(key, GatewayMetrics.OUTCOME_RATE_LIMITED);
        resolve(
                request,
                response,
                new RetryableProblemException(
                                ProblemType.RATE_LIMITED,
                                "The API key '" + key + "' sent more requests than its rate limit allows",
                                retryAfterSeconds)
                        .with("key", key));
    }

    /**
     * Answers the firewall's refusals with {@code 400}: its reason, such as a potentially malicious
     * string in the URL, names what was refused, not how the gateway is built.
     */
    static RequestRejectedHandler firewall(HandlerExceptionResolver resolver) {
        return (request, response, rejected) -> resolver.resolveException(
                request, response, null, new ProblemException(ProblemType.BAD_REQUEST, rejected.getMessage()));
    }

    private void resolve(HttpServletRequest request, HttpServletResponse response, ProblemException problem) {
        resolver.resolveException(request, response, null, problem);
    }
}
