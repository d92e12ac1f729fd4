package io.firehosegateway.sink.firehose;

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
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * What Firehose said of each stream when the gateway started: one {@code DescribeDeliveryStream}
 * each, never repeated, since control-plane calls are limited to a few per second per account.
 * How delivery goes since then shows in the {@code delivery} health component, learned from the
 * calls the gateway makes anyway. Producer roles often lack the describe permission: that is
 * reported, not counted as down.
 */
final class FirehoseHealthIndicator implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(FirehoseHealthIndicator.class);

    private final FirehoseAsyncClient client;
    private final StreamRoutes routes;
    private final Map<String, String> described = new ConcurrentHashMap<>();

    FirehoseHealthIndicator(FirehoseAsyncClient client, StreamRoutes routes) {
        this.client = client;
        this.routes = routes;
    }

    @EventListener(ApplicationReadyEvent.class)
    void describeOnce() {
        for (String stream : routes.destinations(SinkKind.FIREHOSE)) {
            described.put(stream, "DESCRIBING");
            client.describeDeliveryStream(request -> request.deliveryStreamName(stream))
                    .whenComplete((response, error) -> {
                        if (error == null) {
                            String state = response.deliveryStreamDescription().deliveryStreamStatusAsString();
                            described.put(stream, state);
                            log.info("Firehose stream {} is {}", stream, state);
                        } else {
                            String code = new FirehoseRetryClassifier()
                                    .classify(error)
                                    .code();
                            described.put(stream, "UNKNOWN (" + code + ")");
                            log.warn("Could not describe Firehose stream {}: {}", stream, code);
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
