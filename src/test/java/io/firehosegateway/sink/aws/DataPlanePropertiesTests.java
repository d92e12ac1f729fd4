package io.firehosegateway.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class DataPlanePropertiesTests {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Properties.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DataPlaneProperties.class)
    static class Properties {}

    @Test
    void theGatewayBuildsTheCallsUnlessTheSdkIsChosen() {
        contexts.run(
                context -> assertThat(context.getBean(DataPlaneProperties.class).dataPlane())
                        .isEqualTo(DataPlane.DIRECT));
        contexts.withPropertyValues("gateway.aws.data-plane=sdk")
                .run(context -> assertThat(
                                context.getBean(DataPlaneProperties.class).dataPlane())
                        .isEqualTo(DataPlane.SDK));
        contexts.withPropertyValues("gateway.aws.data-plane=kpl")
                .run(context -> assertThat(context).hasFailed());
    }
}
