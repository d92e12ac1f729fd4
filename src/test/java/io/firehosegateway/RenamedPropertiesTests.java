package io.firehosegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.sink.aws.AwsProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.impl.NoOpLog;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The gateway.firehose.* keys that moved keep working for this release, with a warning at start. */
class RenamedPropertiesTests {

    private final List<String> warnings = new ArrayList<>();
    private final Log log = new NoOpLog() {
        @Override
        public void warn(Object message) {
            warnings.add(String.valueOf(message));
        }
    };

    private StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new RenamedProperties(type -> log).postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void theOldKeysStillBindToTheNewSettingsAndWarn() {
        StandardEnvironment environment = environment(Map.of(
                "gateway.firehose.linger", "25ms",
                "gateway.firehose.max-in-flight", "3",
                "gateway.firehose.region", "eu-west-1",
                "gateway.firehose.io-threads", "2"));

        Binder binder = Binder.get(environment);
        PipelineProperties.Delivery delivery =
                binder.bind("gateway", PipelineProperties.class).get().delivery();
        AwsProperties aws = binder.bind("gateway.aws", AwsProperties.class).get();
        assertThat(delivery.linger()).isEqualTo(Duration.ofMillis(25));
        assertThat(delivery.maxInFlight()).isEqualTo(3);
        assertThat(aws.region()).isEqualTo("eu-west-1");
        assertThat(aws.ioThreads()).isEqualTo(2);
        assertThat(warnings)
                .hasSize(4)
                .anySatisfy(warning -> assertThat(warning)
                        .contains("gateway.firehose.linger is deprecated; use gateway.delivery.linger"));
    }

    @Test
    void theNewKeyWinsAndTheOldOneIsSaidToBeIgnored() {
        StandardEnvironment environment =
                environment(Map.of("gateway.firehose.linger", "25ms", "gateway.delivery.linger", "7ms"));

        assertThat(environment.getProperty("gateway.delivery.linger")).isEqualTo("7ms");
        assertThat(warnings).singleElement().asString().contains("ignored");
    }

    @Test
    void theNewKeysAloneWarnOfNothing() {
        environment(Map.of("gateway.delivery.linger", "7ms", "gateway.aws.region", "eu-west-1"));

        assertThat(warnings).isEmpty();
    }

    @Test
    void everyMovedKeyIsListedInTheMetadata() {
        assertThat(RenamedProperties.renames())
                .containsEntry("gateway.firehose.linger", "gateway.delivery.linger")
                .containsEntry("gateway.firehose.send-when-idle", "gateway.delivery.send-when-idle")
                .containsEntry("gateway.firehose.max-in-flight", "gateway.delivery.max-in-flight")
                .containsEntry("gateway.firehose.initial-backoff", "gateway.delivery.initial-backoff")
                .containsEntry("gateway.firehose.max-backoff", "gateway.delivery.max-backoff")
                .containsEntry("gateway.firehose.region", "gateway.aws.region")
                .containsEntry("gateway.firehose.api-call-attempt-timeout", "gateway.aws.api-call-attempt-timeout")
                .containsEntry(
                        "gateway.firehose.connection-acquisition-timeout", "gateway.aws.connection-acquisition-timeout")
                .containsEntry("gateway.firehose.io-threads", "gateway.aws.io-threads");
    }
}
