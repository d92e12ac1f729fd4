package io.firehosegateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * {@link HttpServerRequestsFilter} records {@code http.server.requests} as Spring's observation
 * filter did: for each kind of request, the same timers with the same tags and counts.
 */
class HttpServerRequestsFilterTests {

    /** One request: what the chain behind the filter does with it. */
    private record Exchange(String method, String path, FilterChain chain) {}

    private static FilterChain answers(int status, String pattern, Throwable handled) {
        return (request, response) -> {
            if (pattern != null) {
                matched((HttpServletRequest) request, pattern);
            }
            if (handled != null) {
                // As DispatcherServlet exposes an exception a resolver answered with a body.
                request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, handled);
            }
            ((MockHttpServletResponse) response).setStatus(status);
        };
    }

    /** What Spring MVC's handler mappings do with the route a request matched. */
    private static void matched(HttpServletRequest request, String pattern) {
        request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, pattern);
        ServerHttpObservationFilter.findObservationContext(request)
                .ifPresent(context -> context.setPathPattern(pattern));
    }

    private static FilterChain throwing(Exception failure) {
        return (request, response) -> {
            matched((HttpServletRequest) request, "/events");
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof ServletException servlet) {
                throw servlet;
            }
            throw (RuntimeException) failure;
        };
    }

    private static final List<Exchange> EXCHANGES = List.of(
            new Exchange("POST", "/events", answers(200, "/events", null)),
            new Exchange("POST", "/events", answers(200, "/events", null)),
            new Exchange("POST", "/streams/a/events", answers(202, "/streams/{stream}/events", null)),
            new Exchange("POST", "/events", answers(400, "/events", new IllegalArgumentException("a malformed event"))),
            new Exchange("POST", "/events", answers(401, null, null)),
            new Exchange("POST", "/streams/b/events", answers(429, null, null)),
            new Exchange("GET", "/streams/a/pixel", answers(200, "/streams/{stream}/pixel", null)),
            new Exchange("GET", "/nowhere", answers(404, null, null)),
            new Exchange("GET", "/old", answers(302, null, null)),
            new Exchange("GET", "/", answers(200, "", null)),
            new Exchange("PROPFIND", "/events", answers(405, null, null)),
            new Exchange("PATCH", "/events", answers(405, "/events", null)),
            new Exchange("POST", "/events", answers(503, "/events", new IllegalStateException() {})),
            new Exchange("POST", "/events", answers(299, "/events", null)),
            new Exchange("POST", "/events", answers(103, "/events", null)),
            new Exchange("GET", "/actuator/health/readiness", answers(503, "/actuator/health/**", null)));

    private static final List<Exchange> FAILURES = List.of(
            new Exchange("POST", "/events", throwing(new IllegalStateException("broken"))),
            new Exchange("POST", "/events", throwing(new IOException("reset"))),
            new Exchange("POST", "/events", throwing(new ServletException(new ArithmeticException()))),
            new Exchange("POST", "/events", throwing(new ServletException("no cause"))));

    @Test
    void recordsTheTimersSpringsObservationFilterRecorded() throws Exception {
        MeterRegistry observed = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(observed));
        MeterRegistry plain = new SimpleMeterRegistry();

        run(new ServerHttpObservationFilter(observations), EXCHANGES, FAILURES);
        run(new HttpServerRequestsFilter(plain), EXCHANGES, FAILURES);

        Map<String, Long> expected = timers(observed);
        assertThat(expected).hasSize(EXCHANGES.size() + FAILURES.size() - 1);
        assertThat(timers(plain)).isEqualTo(expected);
    }

    @Test
    void answersAFailureThatLeavesTheChain500AndPassesItOn() {
        HttpServerRequestsFilter filter = new HttpServerRequestsFilter(new SimpleMeterRegistry());
        MockHttpServletResponse response = new MockHttpServletResponse();
        IllegalStateException failure = new IllegalStateException("broken");

        assertThatThrownBy(() ->
                        filter.doFilter(new MockHttpServletRequest("POST", "/events"), response, throwing(failure)))
                .isSameAs(failure);
        assertThat(response.getStatus()).isEqualTo(500);
    }

    @SafeVarargs
    private static void run(Filter filter, List<Exchange>... exchanges) {
        for (List<Exchange> list : exchanges) {
            for (Exchange exchange : list) {
                try {
                    filter.doFilter(
                            new MockHttpServletRequest(exchange.method(), exchange.path()),
                            new MockHttpServletResponse(),
                            exchange.chain());
                } catch (IOException | ServletException | RuntimeException expected) {
                    // A failure leaves the filter as it came; what it recorded is compared.
                }
            }
        }
    }

    /** Every {@code http.server.requests} timer, as its sorted tags, with its count. */
    private static Map<String, Long> timers(MeterRegistry registry) {
        return registry.find(HttpServerRequestsFilter.NAME).timers().stream()
                .collect(Collectors.toMap(
                        timer -> timer.getId().getTags().toString(), Timer::count, Long::sum, TreeMap::new));
    }
}
