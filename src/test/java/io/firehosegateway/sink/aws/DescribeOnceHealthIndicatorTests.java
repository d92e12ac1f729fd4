package io.firehosegateway.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The health of a sink's destinations as described once at start. */
class DescribeOnceHealthIndicatorTests {

    private final StreamRoutes routes = new StreamRoutes(
            List.of(
                    new StreamRoutes.Route("orders", "orders-stream", SinkKind.KINESIS),
                    new StreamRoutes.Route("clicks", "clicks-stream", SinkKind.KINESIS),
                    new StreamRoutes.Route("audit", "audit-stream", SinkKind.FIREHOSE)),
            4);

    /** Answers from a table, counting the calls. */
    private static final class TableIndicator extends DescribeOnceHealthIndicator {

        private final Map<String, CompletionStage<Description>> answers;
        private final AtomicInteger calls = new AtomicInteger();

        TableIndicator(StreamRoutes routes, Map<String, CompletionStage<Description>> answers) {
            super("Kinesis", SinkKind.KINESIS, routes);
            this.answers = answers;
        }

        @Override
        protected CompletionStage<Description> describe(String destination) {
            calls.incrementAndGet();
            return answers.get(destination);
        }
    }

    @Test
    void describesEachDestinationOfItsSinkOnceAndNeverOnAHealthCheck() {
        TableIndicator indicator = new TableIndicator(
                routes,
                Map.of(
                        "orders-stream",
                                CompletableFuture.completedFuture(DescribeOnceHealthIndicator.Description.of("ACTIVE")),
                        "clicks-stream",
                                CompletableFuture.completedFuture(
                                        DescribeOnceHealthIndicator.Description.of("UPDATING"))));

        indicator.describeOnce();
        Health health = indicator.health();
        indicator.health();

        assertThat(indicator.calls).hasValue(2);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry("streamsAtStart", Map.of("orders-stream", "ACTIVE", "clicks-stream", "UPDATING"));
    }

    @Test
    void aRefusedDescribeIsReportedNotCountedAsDown() {
        TableIndicator indicator = new TableIndicator(
                routes,
                Map.of(
                        "orders-stream",
                        CompletableFuture.completedFuture(
                                DescribeOnceHealthIndicator.Description.failed("AccessDeniedException")),
                        "clicks-stream",
                        new CompletableFuture<>()));

        indicator.describeOnce();
        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry(
                        "streamsAtStart",
                        Map.of("orders-stream", "UNKNOWN (AccessDeniedException)", "clicks-stream", "DESCRIBING"));
    }

    @Test
    void aDestinationThatDoesNotExistIsDown() {
        TableIndicator indicator = new TableIndicator(
                routes,
                Map.of(
                        "orders-stream",
                                CompletableFuture.completedFuture(
                                        DescribeOnceHealthIndicator.Description.failed("ResourceNotFoundException")),
                        "clicks-stream",
                                CompletableFuture.completedFuture(
                                        DescribeOnceHealthIndicator.Description.of("ACTIVE"))));

        indicator.describeOnce();

        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }
}
