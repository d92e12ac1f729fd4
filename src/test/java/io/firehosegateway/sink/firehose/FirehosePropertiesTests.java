package io.firehosegateway.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** The client's settings: their defaults, and what stops a start. */
class FirehosePropertiesTests {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Properties.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(FirehoseProperties.class)
    static class Properties {}

    @Test
    void defaultsAreOneIoThreadAndAFiveSecondAttempt() {
        contexts.run(context -> {
            FirehoseProperties firehose = context.getBean(FirehoseProperties.class);
            assertThat(firehose.ioThreads()).isEqualTo(1);
            assertThat(firehose.apiCallAttemptTimeout()).isEqualTo(Duration.ofSeconds(5));
        });
    }

    @Test
    void ioThreadsAreSetAndNeverZero() {
        contexts.withPropertyValues("gateway.firehose.io-threads=4")
                .run(context -> assertThat(
                                context.getBean(FirehoseProperties.class).ioThreads())
                        .isEqualTo(4));
        contexts.withPropertyValues("gateway.firehose.io-threads=0")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("ioThreads"));
    }
}
