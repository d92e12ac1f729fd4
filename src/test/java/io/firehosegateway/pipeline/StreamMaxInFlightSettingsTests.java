package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.SinkKind;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

/** {@code gateway.streams.<name>.max-in-flight}: bound, checked, and published to the sinks. */
class StreamMaxInFlightSettingsTests {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Properties.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PipelineProperties.class)
    static class Properties {}

    @Test
    void aStreamsOwnCapIsBoundAndTheOthersKeepTheGlobalOne() {
        contexts.withPropertyValues(
                        "gateway.delivery.max-in-flight=16",
                        "gateway.streams.jobs.sink=sqs",
                        "gateway.streams.jobs.max-in-flight=64",
                        "gateway.streams.audit.sink=sqs")
                .run(context -> {
                    PipelineProperties properties = context.getBean(PipelineProperties.class);
                    assertThat(properties.maxInFlight("jobs")).isEqualTo(64);
                    assertThat(properties.maxInFlight("audit")).isEqualTo(16);
                    assertThat(properties.maxInFlight("events"))
                            .as("the default stream")
                            .isEqualTo(16);
                });
    }

    @Test
    void theRoutesCarryEachStreamsCapToTheSinks() {
        contexts.withPropertyValues(
                        "gateway.sink=firehose",
                        "gateway.delivery.max-in-flight=16",
                        "gateway.streams.jobs.sink=sqs",
                        "gateway.streams.jobs.max-in-flight=64",
                        "gateway.streams.audit.sink=sqs")
                .run(context -> {
                    MockEnvironment environment = new MockEnvironment()
                            .withProperty("gateway.streams.jobs.sink", "sqs")
                            .withProperty("gateway.streams.audit.sink", "sqs");
                    var routes = new PipelineConfiguration()
                            .streamRoutes(context.getBean(PipelineProperties.class), environment);
                    assertThat(routes.maxInFlight(SinkKind.SQS)).isEqualTo(64 + 16);
                    assertThat(routes.maxInFlight(SinkKind.FIREHOSE))
                            .as("events alone")
                            .isEqualTo(16);
                });
    }

    @Test
    void aCapOutOfBoundsFailsTheStartNamingTheSetting() {
        for (String value : new String[] {"0", "1025"}) {
            contexts.withPropertyValues("gateway.streams.jobs.sink=sqs", "gateway.streams.jobs.max-in-flight=" + value)
                    .run(context -> assertThat(context)
                            .hasFailed()
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("streams[jobs].maxInFlight")
                            .hasMessageContaining("max-in-flight must be between 1 and 1024"));
        }
    }
}
