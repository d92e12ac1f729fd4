package io.firehosegateway.api;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Serves {@code POST /events} and {@code POST /streams/{stream}/events} without Spring MVC's
 * dispatch: the handler lookup, argument resolution and content negotiation cost a single event
 * more CPU than the controller itself (bench/results/profile-confirmed-single-r7-after.txt, 17.5 %
 * against 16 %). Only what MVC would hand to the controller for certain takes this way: a POST with
 * a content type the endpoints consume, an {@code Accept} that is absent, {@code *}{@code /*} or
 * {@code application/json}, and one {@code ids} at most. Anything else goes on to MVC, so its 405,
 * 406 and 415 answers stay its own.
 *
 * <p>The answer is written by MVC's own JSON converter, and a refusal is resolved by MVC's own
 * exception resolvers with the controller's handler method, as {@link DispatcherServlet} does, so
 * both come out as before, byte for byte ({@code EventEndpointFilterIntegrationTests}).
 */
final class EventEndpointFilter implements Filter {

    private static final String POST = "POST";
    private static final String IDS = "ids";
    private static final List<MediaType> CONSUMES = List.of(
            MediaType.APPLICATION_JSON, MediaType.parseMediaType(EventFormat.NDJSON_VALUE), MediaType.TEXT_PLAIN);

    /** What MVC hands this filter once it is set up: its handler methods, converter and resolvers. */
    private record Dispatch(
            EventsController controller,
            HandlerMethod events,
            HandlerMethod streamEvents,
            HttpMessageConverter<Object> json,
            List<HandlerExceptionResolver> resolvers) {}

    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private final ObjectProvider<RequestMappingHandlerAdapter> adapters;
    private final ObjectProvider<HandlerExceptionResolver> resolvers;
    private volatile Dispatch dispatch;

    /**
     * Takes MVC's parts when the first request comes: the filter is made with the server, before
     * MVC and the controller (and the pipeline behind it) are.
     */
    EventEndpointFilter(
            ObjectProvider<RequestMappingHandlerMapping> mappings,
            ObjectProvider<RequestMappingHandlerAdapter> adapters,
            ObjectProvider<HandlerExceptionResolver> resolvers) {
        this.mappings = mappings;
        this.adapters = adapters;
        this.resolvers = resolvers;
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        EventPaths.Match match = taken(request);
        if (match == null) {
            chain.doFilter(servletRequest, servletResponse);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        Dispatch parts = dispatch();
        // The request meter's uri tag, as MVC's handler mapping sets it.
        request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, match.route());
        String ids = request.getParameter(IDS);
        try {
            ResponseEntity<EventsController.Accepted> answer = match.stream() == null
                    ? parts.controller().postEvents(request, ids)
                    : parts.controller().postStreamEvents(match.stream(), request, ids);
            write(answer, parts.json(), response);
        } catch (Exception e) {
            resolve(e, match.stream() == null ? parts.events() : parts.streamEvents(), parts, request, response);
        }
    }

    /** The event path of a request MVC would give the controller for certain; null for any other. */
    private static EventPaths.Match taken(HttpServletRequest request) {
        if (!POST.equals(request.getMethod())) {
            return null;
        }
        EventPaths.Match match = EventPaths.match(request);
        if (match == null || !consumed(request.getContentType()) || !acceptsJson(request)) {
            return null;
        }
        String[] ids = request.getParameterValues(IDS);
        return ids != null && ids.length > 1 ? null : match;
    }

    private static boolean consumed(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            for (MediaType consumed : CONSUMES) {
                if (consumed.includes(type)) {
                    return true;
                }
            }
            return false;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static boolean acceptsJson(HttpServletRequest request) {
        Enumeration<String> accepts = request.getHeaders(HttpHeaders.ACCEPT);
        if (!accepts.hasMoreElements()) {
            return true;
        }
        String accept = accepts.nextElement();
        return !accepts.hasMoreElements()
                && (accept.equals(MediaType.ALL_VALUE) || accept.equalsIgnoreCase(MediaType.APPLICATION_JSON_VALUE));
    }

    /** As MVC writes a {@code ResponseEntity}: status, the entity's headers, then the converter's. */
    private static void write(
            ResponseEntity<EventsController.Accepted> answer,
            HttpMessageConverter<Object> json,
            HttpServletResponse response)
            throws IOException {
        ServletServerHttpResponse output = new ServletServerHttpResponse(response);
        response.setStatus(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> output.getHeaders().put(name, values));
        if (answer.getBody() != null) {
            json.write(answer.getBody(), MediaType.APPLICATION_JSON, output);
        }
        output.flush();
    }

    /**
     * As {@link DispatcherServlet} handles what a handler threw: the body so far dropped, the
     * resolvers asked in their order, and what none resolves thrown on to the container.
     */
    private static void resolve(
            Exception failure,
            HandlerMethod handler,
            Dispatch parts,
            HttpServletRequest request,
            HttpServletResponse response)
            throws IOException, ServletException {
        try {
            response.resetBuffer();
        } catch (IllegalStateException committed) {
            // Already on the wire: the resolvers see it committed, as they would under MVC.
        }
        for (HandlerExceptionResolver resolver : parts.resolvers()) {
            ModelAndView view = resolver.resolveException(request, response, handler, failure);
            if (view != null && view.isEmpty()) {
                request.setAttribute(DispatcherServlet.EXCEPTION_ATTRIBUTE, failure);
                return;
            }
            if (view != null) {
                // No resolver of the gateway answers with a view; the container's error page will.
                break;
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof ServletException servlet) {
            throw servlet;
        }
        throw new ServletException("Request processing failed: " + failure, failure);
    }

    private Dispatch dispatch() {
        Dispatch parts = dispatch;
        if (parts == null) {
            synchronized (this) {
                parts = dispatch;
                if (parts == null) {
                    parts = build();
                    dispatch = parts;
                }
            }
        }
        return parts;
    }

    @SuppressWarnings("unchecked")
    private Dispatch build() {
        HandlerMethod events = handlerMethod("postEvents");
        HandlerMethod streamEvents = handlerMethod("postStreamEvents");
        HttpMessageConverter<Object> json =
                (HttpMessageConverter<Object>) adapters.getObject().getMessageConverters().stream()
                        .filter(converter ->
                                converter.canWrite(EventsController.Accepted.class, MediaType.APPLICATION_JSON))
                        .findFirst()
                        .orElseThrow();
        return new Dispatch(
                (EventsController) events.getBean(),
                events,
                streamEvents,
                json,
                resolvers.orderedStream().toList());
    }

    private HandlerMethod handlerMethod(String name) {
        return mappings.getObject().getHandlerMethods().values().stream()
                .filter(method -> method.getBeanType() == EventsController.class
                        && method.getMethod().getName().equals(name))
                .findFirst()
                .orElseThrow()
                .createWithResolvedBean();
    }
}
