package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.firehosegateway.UnknownSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;

/** {@code gateway.delivery.send-when-idle-after-calls}: bound beside the delivery settings, and known. */
class SendWhenIdleSettingsTests {

    private static PipelineProperties.Delivery bound(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("gateway", PipelineProperties.class)
                .delivery();
    }

    @Test
    void anIdleStreamSendsABatchThatFilledDuringCallsAtOnceUnlessSetOtherwise() {
        PipelineProperties.Delivery delivery = bound(Map.of("gateway.delivery.linger", "7ms"));

        assertThat(delivery.sendWhenIdle()).isTrue();
        assertThat(delivery.sendWhenIdleAfterCalls()).isTrue();
        assertThat(delivery.linger()).hasMillis(7);
    }

    @Test
    void aBatchThatFilledDuringCallsCanBeMadeToWaitOutItsLinger() {
        assertThat(bound(Map.of("gateway.delivery.send-when-idle-after-calls", "false"))
                        .sendWhenIdleAfterCalls())
                .isFalse();
    }

    @Test
    void theSettingIsKnown() {
        MockEnvironment environment =
                new MockEnvironment().withProperty("gateway.delivery.send-when-idle-after-calls", "false");

        assertThatCode(() -> new UnknownSettings().postProcessEnvironment(environment, null))
                .doesNotThrowAnyException();
    }
}
