package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.firehosegateway.UnknownSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;

/** {@code gateway.delivery.linger-again-after-full}: on unless set otherwise, and known. */
class LingerAgainAfterFullSettingsTests {

    private static PipelineProperties.Delivery bound(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("gateway", PipelineProperties.class)
                .delivery();
    }

    @Test
    void aBatchOpenedWhenTheOneBeforeFilledLingersAgainUnlessSetOtherwise() {
        assertThat(bound(Map.of("gateway.delivery.linger", "7ms")).lingerAgainAfterFull())
                .isTrue();
        assertThat(bound(Map.of("gateway.delivery.linger-again-after-full", "false"))
                        .lingerAgainAfterFull())
                .isFalse();
    }

    @Test
    void theSettingIsKnown() {
        MockEnvironment environment =
                new MockEnvironment().withProperty("gateway.delivery.linger-again-after-full", "false");

        assertThatCode(() -> new UnknownSettings().postProcessEnvironment(environment, null))
                .doesNotThrowAnyException();
    }
}
