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
        if (keys.open()) {
            authenticate(ApiClient.OPEN);
        } else {
            String presented = presentedKey(request);
            if (presented != null) {
                keys.find(presented)
                        .ifPresentOrElse(this::authenticate, () -> request.setAttribute(REJECTED_KEY, Boolean.TRUE));
            } else if (request.getAttribute(UrlKeyFilter.ATTRIBUTE) instanceof String onUrl) {
                // A URL is logged and kept along the way: only a key made to be public may travel in one.
                keys.find(onUrl)
                        .filter(ApiClient::browser)
                        .ifPresentOrElse(this::authenticate, () -> request.setAttribute(REJECTED_KEY, Boolean.TRUE));
            }
        }
        chain.doFilter(request, response);
    }

    private void authenticate(ApiClient client) {
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new ApiKeyAuthentication(client));
        contexts.setContext(context);
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
