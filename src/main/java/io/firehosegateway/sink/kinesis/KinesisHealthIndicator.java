package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.event.EventListener;

/**
 * What Kinesis said of each stream when the gateway started: the one {@code DescribeStreamSummary}
 * of each destination, shared with the sink that learned the stream's limits from it, never
 * repeated. How delivery goes since then shows in the {@code delivery} health component. Producer
 * roles often lack the describe permission: that is reported, not counted as down.
 */
final class KinesisHealthIndicator implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(KinesisHealthIndicator.class);

    private final KinesisStreamDescriptions descriptions;
    private final StreamRoutes routes;
    private final Map<String, String> described = new ConcurrentHashMap<>();

    KinesisHealthIndicator(KinesisStreamDescriptions descriptions, StreamRoutes routes) {
        this.descriptions = descriptions;
        this.routes = routes;
    }

    @EventListener(ApplicationReadyEvent.class)
    void describeOnce() {
        for (String stream : routes.destinations(SinkKind.KINESIS)) {
            described.put(stream, "DESCRIBING");
            descriptions.describe(stream).whenComplete((description, error) -> {
                if (description != null && description.failure() == null) {
                    described.put(stream, description.status());
                    log.info("Kinesis stream {} is {}", stream, description.status());
                } else {
                    String code = description != null ? description.failure() : String.valueOf(error);
                    described.put(stream, "UNKNOWN (" + code + ")");
                    log.warn("Could not describe Kinesis stream {}: {}", stream, code);
                }
            });
        }
    }

    @Override
    public Health health() {
        boolean missing = described.values().stream().anyMatch(state -> state.contains("ResourceNotFound"));
        Health.Builder builder = missing ? Health.down() : Health.up();
        return builder.withDetail("streamsAtStart", new LinkedHashMap<>(described))
                .build();
    }
}
