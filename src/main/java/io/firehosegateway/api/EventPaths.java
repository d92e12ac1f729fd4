package io.firehosegateway.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The event endpoints' paths, {@code /events} and {@code /streams/{stream}/events}, matched as
 * Spring MVC and the security chain match them: on the path within the application, the stream's
 * name decoded.
 */
public final class EventPaths {

    static final String EVENTS_ROUTE = "/events";
    static final String STREAM_EVENTS_ROUTE = "/streams/{stream}/events";

    private static final PathPattern EVENTS = PathPatternParser.defaultInstance.parse(EVENTS_ROUTE);
    private static final PathPattern STREAM_EVENTS = PathPatternParser.defaultInstance.parse(STREAM_EVENTS_ROUTE);

    private EventPaths() {}

    /** An event path matched: its route, and the stream it names ({@code null} for {@code /events}). */
    record Match(String route, String stream) {}

    private static final Match EVENTS_MATCH = new Match(EVENTS_ROUTE, null);

    /**
     * The stream an event path sends to ({@code /events}: {@code defaultStream}), or null for any
     * other path.
     */
    public static String streamOf(HttpServletRequest request, String defaultStream) {
        Match match = match(request);
        if (match == null) {
            return null;
        }
        return match.stream() == null ? defaultStream : match.stream();
    }

    /** The event path {@code request} is for, or null for any other path. */
    static Match match(HttpServletRequest request) {
        PathContainer path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
                .pathWithinApplication();
        if (EVENTS.matches(path)) {
            return EVENTS_MATCH;
        }
        PathPattern.PathMatchInfo match = STREAM_EVENTS.matchAndExtract(path);
        return match == null
                ? null
                : new Match(STREAM_EVENTS_ROUTE, match.getUriVariables().get("stream"));
    }
}
