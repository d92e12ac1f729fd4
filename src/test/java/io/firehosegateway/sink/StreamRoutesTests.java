package io.firehosegateway.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the sinks size their clients from: each route's own cap, summed per kind of sink. */
class StreamRoutesTests {

    private final StreamRoutes routes = new StreamRoutes(
            List.of(
                    new StreamRoutes.Route("events", "events", SinkKind.FIREHOSE),
                    new StreamRoutes.Route("jobs", "jobs", SinkKind.SQS),
                    new StreamRoutes.Route("tasks", "tasks.fifo", SinkKind.SQS),
                    new StreamRoutes.Route("audit", "audit", SinkKind.FIREHOSE)),
            16,
            Map.of("jobs", 64));

    @Test
    void theConnectionPoolOfAKindSumsTheCapsOfItsRoutes() {
        assertThat(routes.maxInFlight(SinkKind.SQS))
                .as("64 of its own + the default 16")
                .isEqualTo(80);
        assertThat(routes.maxInFlight(SinkKind.FIREHOSE))
                .as("two streams at the default")
                .isEqualTo(32);
    }

    @Test
    void aRouteHasItsStreamsOwnCapElseTheDefault() {
        assertThat(routes.maxInFlight(routes.routes(SinkKind.SQS).get(0))).isEqualTo(64);
        assertThat(routes.maxInFlight(routes.routes(SinkKind.SQS).get(1))).isEqualTo(16);
    }

    @Test
    void aKindWithoutRoutesStillGetsAConnection() {
        assertThat(routes.maxInFlight(SinkKind.KINESIS)).isEqualTo(1);
    }
}
