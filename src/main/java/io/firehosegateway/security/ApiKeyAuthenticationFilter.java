package io.firehosegateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request by the key in {@code Authorization: Bearer <key>} or {@code X-API-Key:
 * <key>}, or a browser key on the URL ({@code ?key=}, taken off it by {@link UrlKeyFilter}). A request without a valid key goes on unauthenticated, and the chain's rules decide
 * whether that is enough; a wrong key is marked so the answer can say which. In an open gateway
 * every request is {@link ApiClient#OPEN}.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String API_KEY_HEADER = "X-API-Key";

    /** Set on a request whose key matched none, so a 401 can tell "wrong key" from "no key". */
    static final String REJECTED_KEY = ApiKeyAuthenticationFilter.class.getName() + ".rejected";

    private static final String BEARER = "bearer ";

    private final ApiKeyRegistry keys;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    ApiKeyAuthenticationFilter(ApiKeyRegistry keys) {
        this.keys = keys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ApiClient client = clientOf(request, keys);
        if (client != null) {
            SecurityContext context = contexts.createEmptyContext();
            context.setAuthentication(new ApiKeyAuthentication(client));
            contexts.setContext(context);
        }
        chain.doFilter(request, response);
    }

    /** The client the request's key names, or null, the request then marked when a key was wrong. */
    static ApiClient clientOf(HttpServletRequest request, ApiKeyRegistry keys) {
        if (keys.open()) {
            return ApiClient.OPEN;
        }
        String presented = presentedKey(request);
        ApiClient client = null;
        boolean sent = presented != null;
        if (sent) {
            client = keys.find(presented).orElse(null);
        } else if (request.getAttribute(UrlKeyFilter.ATTRIBUTE) instanceof String onUrl) {
            // A URL is logged and kept along the way: only a key made to be public may travel in one.
            sent = true;
            client = keys.find(onUrl).filter(ApiClient::browser).orElse(null);
        }
        if (sent && client == null) {
            request.setAttribute(REJECTED_KEY, Boolean.TRUE);
        }
        return client;
    }

    /** The key the request carries, or null; {@code Authorization} wins when both headers are sent. */
    static String presentedKey(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null
                && authorization.length() > BEARER.length()
                && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).strip();
        }
        String header = request.getHeader(API_KEY_HEADER);
        return header != null && !header.isBlank() ? header.strip() : null;
    }
}
