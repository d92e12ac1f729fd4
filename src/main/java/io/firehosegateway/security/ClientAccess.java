package io.firehosegateway.security;

import io.firehosegateway.api.PageOrigin;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * The rules on what an API key's client may do, checked by the filter chain before the request's
 * body is read: which streams it may send to, and whether it may use the generator.
 */
final class ClientAccess {

    private final String defaultStream;

    ClientAccess(String defaultStream) {
        this.defaultStream = defaultStream;
    }

    /** {@code POST /events}: the client may send to the default stream. */
    AuthorizationManager<RequestAuthorizationContext> defaultStream() {
        return (authentication, context) ->
                decide(authentication, client -> maySend(client, defaultStream, context.getRequest()));
    }

    /** {@code POST /streams/{stream}/events}: the client may send to the stream in the path. */
    AuthorizationManager<RequestAuthorizationContext> pathStream() {
        return (authentication, context) -> decide(
                authentication, client -> maySend(client, context.getVariables().get("stream"), context.getRequest()));
    }

    /** Whether the client may send events to the stream (null: none named) by this request. */
    boolean maySend(ApiClient client, String stream, HttpServletRequest request) {
        return fromItsPages(client, request) && stream != null && client.mayUse(stream);
    }

    /** The stream {@code POST /events} sends to. */
    String defaultStreamName() {
        return defaultStream;
    }

    /**
     * {@code GET /streams/{stream}/pixel}: as sending events, but an image request carries no {@code
     * Origin}, so the page's origin is read from its {@code Referer} when there is none (a browser
     * sends at least the origin there by default). A request with neither, as from an e-mail client,
     * is refused a browser key: a key taken without an origin would be taken from any site.
     */
    AuthorizationManager<RequestAuthorizationContext> pixelStream() {
        return (authentication, context) -> {
            String stream = context.getVariables().get("stream");
            String origin = PageOrigin.ofImageRequest(context.getRequest());
            return decide(
                    authentication,
                    client -> (!client.browser() || client.allowsOrigin(origin))
                            && stream != null
                            && client.mayUse(stream));
        };
    }

    /**
     * A stream's other endpoints (validating, reading its schema): the client may send to the stream,
     * and is no browser key, which may only send events.
     */
    AuthorizationManager<RequestAuthorizationContext> pathStreamForServers() {
        return (authentication, context) -> {
            String stream = context.getVariables().get("stream");
            return decide(authentication, client -> !client.browser() && stream != null && client.mayUse(stream));
        };
    }

    /**
     * The generator: the client has the generator right and, to start a job, may use the stream the
     * job generates into.
     */
    AuthorizationManager<RequestAuthorizationContext> generator() {
        return (authentication, context) -> {
            HttpServletRequest request = context.getRequest();
            String stream = HttpMethod.POST.matches(request.getMethod())
                    ? Objects.requireNonNullElse(request.getParameter("stream"), defaultStream)
                    : null;
            return decide(
                    authentication,
                    client -> !client.browser() && client.generator() && (stream == null || client.mayUse(stream)));
        };
    }

    /**
     * A browser key is public: what makes it useless elsewhere is that a browser tells the page's
     * origin, so it is taken only with an {@code Origin} it lists. A key kept by servers needs none.
     */
    private static boolean fromItsPages(ApiClient client, HttpServletRequest request) {
        return !client.browser() || client.allowsOrigin(request.getHeader(HttpHeaders.ORIGIN));
    }

    private static AuthorizationDecision decide(
            Supplier<? extends Authentication> authentication, Predicate<ApiClient> rule) {
        return new AuthorizationDecision(
                authentication.get() instanceof ApiKeyAuthentication key && rule.test(key.client()));
    }
}
