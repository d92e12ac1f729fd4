package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.aws.DataPlane;
import org.junit.jupiter.api.Test;

/**
 * The Kinesis sink's {@code PutRecords} go the direct way only where the direct path speaks the
 * client's protocol: JSON, set by {@code gateway.kinesis.cbor} or by the SDK's JVM-wide switch.
 */
class KinesisClientConfigurationTests {

    @Test
    void theDirectDataPlaneBuildsTheCallsOnlyForAJsonClient() {
        assertThat(KinesisClientConfiguration.direct(DataPlane.DIRECT, false)).isTrue();
        assertThat(KinesisClientConfiguration.direct(DataPlane.DIRECT, true)).isFalse();
        assertThat(KinesisClientConfiguration.direct(DataPlane.SDK, false)).isFalse();
        assertThat(KinesisClientConfiguration.direct(DataPlane.SDK, true)).isFalse();
    }

    @Test
    void unsetTheSdksJvmWideSwitchDecidesAndItsDefaultIsCbor() {
        String before = System.getProperty(KinesisProtocol.CBOR_ENABLED);
        try {
            System.clearProperty(KinesisProtocol.CBOR_ENABLED);
            assertThat(KinesisClientConfiguration.direct(DataPlane.DIRECT, null))
                    .isFalse();
            System.setProperty(KinesisProtocol.CBOR_ENABLED, "false");
            assertThat(KinesisClientConfiguration.direct(DataPlane.DIRECT, null))
                    .isTrue();
        } finally {
            if (before == null) {
                System.clearProperty(KinesisProtocol.CBOR_ENABLED);
            } else {
                System.setProperty(KinesisProtocol.CBOR_ENABLED, before);
            }
        }
    }
}
