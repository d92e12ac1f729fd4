package io.firehosegateway.sink.aws;

import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.event.EventListener;

/**
 * What a service said of each of a sink's destinations when the gateway started: one describe call
 * each, never repeated, since control-plane calls are limited to a few per second per account. How
 * delivery goes since then shows in the {@code delivery} health component, learned from the calls
 * the gateway makes anyway. Producer roles often lack the describe permission: that is reported,
 * not counted as down; only a destination that does not exist is.
 *
 * <p>Each sink's indicator says how one destination is described; this class calls it once per
 * destination at start and holds the answers.
 */
public abstract class DescribeOnceHealthIndicator implements HealthIndicator {

    /** Logged under the sink's own indicator, as before it shared this class. */
    private final Logger log = LoggerFactory.getLogger(getClass());

    private final String service;
    private final SinkKind kind;
    private final StreamRoutes routes;
    private final Map<String, String> described = new ConcurrentHashMap<>();

    /**
     * @param service the service's name as the log lines give it, such as {@code Firehose}
     * @param kind the sink whose destinations are described
     */
    protected DescribeOnceHealthIndicator(String service, SinkKind kind, StreamRoutes routes) {
        this.service = service;
        this.kind = kind;
        this.routes = routes;
    }

    /**
     * What one describe call said.
     *
     * @param state the destination's state, such as {@code ACTIVE}, or null when it failed
     * @param failure the failure's code, or null when it was described
     */
    protected record Description(String state, String failure) {

        public static Description of(String state) {
            return new Description(state, null);
        }

        public static Description failed(String failure) {
            return new Description(null, failure);
        }
    }

    /** Describes one destination; the stage completes with what was said, a failure included. */
    protected abstract CompletionStage<Description> describe(String destination);

    @EventListener(ApplicationReadyEvent.class)
    public void describeOnce() {
        for (String destination : routes.destinations(kind)) {
            described.put(destination, "DESCRIBING");
            describe(destination).whenComplete((description, error) -> {
                if (description != null && description.failure() == null) {
                    described.put(destination, description.state());
                    log.info("{} stream {} is {}", service, destination, description.state());
                } else {
                    String code = description != null ? description.failure() : String.valueOf(error);
                    described.put(destination, "UNKNOWN (" + code + ")");
                    log.warn("Could not describe {} stream {}: {}", service, destination, code);
                }
            });
        }
    }

    @Override
    public final Health health() {
        boolean missing = described.values().stream().anyMatch(state -> state.contains("ResourceNotFound"));
        Health.Builder builder = missing ? Health.down() : Health.up();
        return builder.withDetail("streamsAtStart", new LinkedHashMap<>(described))
                .build();
    }
}
