package io.firehosegateway.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** What every AWS client shares: the defaults, and what stops a start. */
class AwsPropertiesTests {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Properties.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AwsProperties.class)
    static class Properties {}

    @Test
    void defaultsAreOneIoThreadAndAFiveSecondAttempt() {
        contexts.run(context -> {
            AwsProperties aws = context.getBean(AwsProperties.class);
            assertThat(aws.ioThreads()).isEqualTo(1);
            assertThat(aws.apiCallAttemptTimeout()).isEqualTo(Duration.ofSeconds(5));
        });
    }

    @Test
    void ioThreadsAreSetAndNeverZero() {
        contexts.withPropertyValues("gateway.aws.io-threads=4")
                .run(context -> assertThat(context.getBean(AwsProperties.class).ioThreads())
                        .isEqualTo(4));
        contexts.withPropertyValues("gateway.aws.io-threads=0")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("ioThreads"));
    }
}
