package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.firehosegateway.UnknownSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

/** {@code gateway.delivery.send-when-idle-after-calls}: bound beside the delivery settings, and known. */
class SendWhenIdleSettingsTests {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Properties.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PipelineProperties.class)
    static class Properties {}

    @Test
    void aBatchThatFilledDuringCallsWaitsOutItsLingerUnlessSetOtherwise() {
        contexts.withPropertyValues("gateway.delivery.linger=7ms").run(context -> {
            PipelineProperties.Delivery delivery =
                    context.getBean(PipelineProperties.class).delivery();
            assertThat(delivery.sendWhenIdle()).isTrue();
            assertThat(delivery.sendWhenIdleAfterCalls()).isFalse();
            assertThat(delivery.linger()).hasMillis(7);
        });
    }

    @Test
    void theRuleBeforeItCanBeSetBack() {
        contexts.withPropertyValues("gateway.delivery.send-when-idle-after-calls=true")
                .run(context -> assertThat(context.getBean(PipelineProperties.class)
                                .delivery()
                                .sendWhenIdleAfterCalls())
                        .isTrue());
    }

    @Test
    void theSettingIsKnown() {
        MockEnvironment environment =
                new MockEnvironment().withProperty("gateway.delivery.send-when-idle-after-calls", "true");

        assertThatCode(() -> new UnknownSettings().postProcessEnvironment(environment, null))
                .doesNotThrowAnyException();
    }
}
