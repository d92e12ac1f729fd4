package io.firehosegateway.sink.kinesis;

import java.util.function.Supplier;

/**
 * Chooses between CBOR and JSON for one Kinesis client. The SDK offers only a JVM-wide switch,
 * {@code aws.cborEnabled}, which a client reads once, when it is built: so the switch is set for
 * the build alone and put back as it was, and no other client, built before or after, sees it.
 */
public final class KinesisProtocol {

    public static final String CBOR_ENABLED = "aws.cborEnabled";

    private KinesisProtocol() {}

    /**
     * Builds a client speaking CBOR when {@code cbor} is true, JSON when false, and as the JVM-wide
     * switch says when null.
     */
    public static synchronized <T> T build(Boolean cbor, Supplier<T> builder) {
        if (cbor == null) {
            return builder.get();
        }
        String before = System.getProperty(CBOR_ENABLED);
        System.setProperty(CBOR_ENABLED, cbor.toString());
        try {
            return builder.get();
        } finally {
            if (before == null) {
                System.clearProperty(CBOR_ENABLED);
            } else {
                System.setProperty(CBOR_ENABLED, before);
            }
        }
    }
}
