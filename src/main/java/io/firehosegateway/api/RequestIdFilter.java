package io.firehosegateway.api;

import io.firehosegateway.event.EventIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id and answers it in {@code X-Request-Id}: the client's own when it sends
 * a valid one, else a new time-ordered UUID. It runs before every other filter, security included,
 * so a {@code 401}, a {@code 429} or any problem carries the id as a success does.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter extends OncePerRequestFilter {

    static final String HEADER = "X-Request-Id";

    /** The request attribute that holds the id. */
    static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

    /** The longest id taken from a client; a longer one is replaced. */
    static final int MAX_LENGTH = 128;

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = request.getHeader(HEADER);
        if (!isValid(id)) {
            id = EventIds.timeOrdered().toString();
        }
        request.setAttribute(ATTRIBUTE, id);
        response.setHeader(HEADER, id);
        chain.doFilter(request, response);
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        // The error dispatch keeps the response's headers, the id among them.
        return true;
    }

    /** The request's id, as the filter set it; one made now when the filter did not run. */
    static String of(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id instanceof String text ? text : EventIds.timeOrdered().toString();
    }

    /**
     * 1 to 128 visible ASCII characters other than {@code "} and {@code \}: enough for UUIDs, ULIDs,
     * trace ids and base64, and safe to write into JSON, logs and headers as it is.
     */
    static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
