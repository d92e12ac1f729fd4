package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.event.EventListener;

/**
 * Whether each SQS stream's queue could be found: a queue named by its name is looked up at start,
 * and while a lookup fails the component is {@code DOWN} and names the stream and the error; each
 * health check tries the lookup again (at most as often as {@link SqsQueues} allows), so the
 * component comes up by itself once the queue exists or the role may see it. A queue given by its
 * URL needs no lookup. How sending goes shows in the {@code delivery} component.
 */
final class SqsHealthIndicator implements HealthIndicator {

    private final SqsQueues queues;
    private final StreamRoutes routes;

    SqsHealthIndicator(SqsQueues queues, StreamRoutes routes) {
        this.queues = queues;
        this.routes = routes;
    }

    @EventListener(ApplicationReadyEvent.class)
    void lookUpAtStart() {
        for (String destination : routes.destinations(SinkKind.SQS)) {
            queues.url(destination);
        }
    }

    @Override
    public Health health() {
        Map<String, SqsQueues.Lookup> lookups = queues.lookups();
        Map<String, String> streams = new LinkedHashMap<>();
        boolean down = false;
        for (StreamRoutes.Route route : routes.routes(SinkKind.SQS)) {
            String destination = route.destination();
            SqsQueues.Lookup lookup = lookups.get(destination);
            if (SqsQueues.isUrl(destination)) {
                streams.put(route.stream(), destination);
            } else if (lookup instanceof SqsQueues.Found found) {
                streams.put(route.stream(), found.url());
            } else if (lookup instanceof SqsQueues.Failed failed) {
                down = true;
                streams.put(
                        route.stream(),
                        "DOWN: queue " + destination + " not found ("
                                + failed.failure().code() + ")");
                queues.url(destination);
            } else {
                streams.put(route.stream(), "LOOKING UP " + destination);
            }
        }
        return (down ? Health.down() : Health.up())
                .withDetail("queues", streams)
                .build();
    }
}
