package io.firehosegateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Times every request as {@code http.server.requests}, with the tags Spring's
 * {@code ServerHttpObservationFilter} gives it ({@code method}, {@code uri}, {@code status},
 * {@code outcome}, {@code exception}, {@code error}), which the dashboard reads. The observation
 * built a context, a scope, a long-task timer and a meter id on every request: on single events
 * that was 5 to 7 % of the gateway's CPU (docs/benchmarks.md). Here a request costs a clock read, a
 * map lookup of the timer its tags name and one record.
 *
 * <p>It runs on the request dispatch only: nothing in the gateway answers asynchronously, and an
 * error page's dispatch comes after the request's, which is timed whole.
 */
final class HttpServerRequestsFilter implements Filter {

    static final String NAME = "http.server.requests";

    private static final Set<String> METHODS =
            Stream.of(HttpMethod.values()).map(HttpMethod::name).collect(Collectors.toUnmodifiableSet());

    /** What names one timer; bounded as the tags are: routes, methods, statuses, exception types. */
    private record Key(String method, String uri, int status, Class<?> exception) {}

    private final MeterRegistry registry;
    private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

    HttpServerRequestsFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        long start = System.nanoTime();
        Throwable failure = null;
        try {
            chain.doFilter(request, response);
        } catch (Throwable e) {
            failure = e instanceof ServletException && e.getCause() != null ? e.getCause() : e;
            response.setStatus(HttpStatus.INTERNAL_SERVER_ERROR.value());
            throw e;
        } finally {
            if (failure == null
                    && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable handled) {
                failure = handled;
            }
            int status = response.getStatus();
            Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            Key key = new Key(
                    METHODS.contains(request.getMethod()) ? request.getMethod() : "UNKNOWN",
                    uri(pattern instanceof String route ? route : null, status),
                    status,
                    failure == null ? null : failure.getClass());
            timers.computeIfAbsent(key, this::timer).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private static String uri(String pattern, int status) {
        if (pattern != null) {
            return pattern.isEmpty() ? "root" : pattern;
        }
        if (status >= 300 && status < 400 && HttpStatus.resolve(status) != null) {
            return "REDIRECTION";
        }
        return status == HttpStatus.NOT_FOUND.value() ? "NOT_FOUND" : "UNKNOWN";
    }

    private Timer timer(Key key) {
        String exception = "none";
        String error = "none";
        if (key.exception() != null) {
            String simpleName = key.exception().getSimpleName();
            exception = simpleName.isEmpty() ? key.exception().getName() : simpleName;
            error = simpleName;
        }
        return Timer.builder(NAME)
                .tags(Tags.of(
                        "method", key.method(),
                        "uri", key.uri(),
                        "status", Integer.toString(key.status()),
                        "outcome", outcome(key.status()),
                        "exception", exception,
                        "error", error))
                .register(registry);
    }

    private static String outcome(int status) {
        if (status >= 100 && status < 200) {
            return "INFORMATIONAL";
        }
        if (status >= 200 && status < 300) {
            return "SUCCESS";
        }
        if (status >= 300 && status < 400) {
            return "REDIRECTION";
        }
        if (status >= 400 && status < 500) {
            return "CLIENT_ERROR";
        }
        return status >= 500 && status < 600 ? "SERVER_ERROR" : "UNKNOWN";
    }
}
