package io.firehosegateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Takes a browser key off the URL ({@code ?key=}) before anything else sees the request: the rest
 * of the gateway, and every log line that prints a request's URL (Spring's and Spring Security's
 * at DEBUG among them), gets the query without it. The key is kept in a request attribute for
 * {@link ApiKeyAuthenticationFilter} alone. It runs on error dispatches too, whose request is the
 * container's own again.
 */
final class UrlKeyFilter extends OncePerRequestFilter {

    static final String PARAMETER = "key";

    /** The key the URL carried; read only by the authentication filter. */
    static final String ATTRIBUTE = UrlKeyFilter.class.getName() + ".key";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query == null || !query.contains(PARAMETER + "=")) {
            chain.doFilter(request, response);
            return;
        }
        StringBuilder rest = new StringBuilder(query.length());
        String key = null;
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            if (equals >= 0 && pair.substring(0, equals).equals(PARAMETER)) {
                if (key == null) {
                    key = decode(pair.substring(equals + 1));
                }
            } else {
                if (!rest.isEmpty()) {
                    rest.append('&');
                }
                rest.append(pair);
            }
        }
        if (key != null && !key.isBlank() && request.getAttribute(ATTRIBUTE) == null) {
            request.setAttribute(ATTRIBUTE, key.strip());
        }
        chain.doFilter(new WithoutKey(request, rest.isEmpty() ? null : rest.toString()), response);
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The request as if its URL had no {@code key}. */
    private static final class WithoutKey extends HttpServletRequestWrapper {

        private final String query;

        WithoutKey(HttpServletRequest request, String query) {
            super(request);
            this.query = query;
        }

        @Override
        public String getQueryString() {
            return query;
        }

        @Override
        public String getParameter(String name) {
            return PARAMETER.equals(name) ? null : super.getParameter(name);
        }

        @Override
        public String[] getParameterValues(String name) {
            return PARAMETER.equals(name) ? null : super.getParameterValues(name);
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            Map<String, String[]> parameters = new LinkedHashMap<>(super.getParameterMap());
            parameters.remove(PARAMETER);
            return Collections.unmodifiableMap(parameters);
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(getParameterMap().keySet());
        }
    }
}
