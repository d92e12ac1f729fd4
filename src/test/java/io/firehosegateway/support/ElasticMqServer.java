package io.firehosegateway.support;

import java.net.URI;
import org.elasticmq.Limit;
import org.elasticmq.LimitedValue;
import org.elasticmq.Limits;
import org.elasticmq.RangeLimit;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder$;
import scala.math.BigDecimal;

/**
 * ElasticMQ, a second implementation of SQS's protocol (JSON since 1.4), started inside the test
 * JVM on a free port of the loopback interface: no process, no Docker.
 *
 * <p>Its message limit: ElasticMQ 1.6.11 still enforces the old 256 KiB. Its strict limits
 * ({@code org.elasticmq.StrictSQSLimits}, the default) hold {@code maxMessageLength = 262144} (read
 * from its bytecode with {@code javap -c}; {@code ElasticMqLimitsIntegrationTests} shows it refusing a
 * message a byte over 256 KiB, 400 {@code InvalidAttributeValue}); its relaxed limits check nothing at all. Neither is
 * SQS since August 2025, so {@link #SQS_2025} is the strict limits with the largest message raised
 * to SQS's 1 MiB, and the servers here run with it: the sink's oversize cases then mean what they
 * mean on SQS.
 */
public final class ElasticMqServer implements AutoCloseable {

    /** The region ElasticMQ puts in its queue URLs and ARNs. */
    public static final String REGION = SqsEmulator.REGION;

    /** SQS's largest message since August 2025: 1 MiB. */
    public static final int SQS_MAX_MESSAGE_BYTES = 1024 * 1024;

    /** ElasticMQ's strict limits as they are: the largest message 256 KiB. */
    public static final Limits STRICT = StrictSQSLimits$.MODULE$;

    /** ElasticMQ's strict limits with the largest message SQS takes since August 2025. */
    public static final Limits SQS_2025 = new Limits() {
        @Override
        public Limit<Object> queueNameLengthLimit() {
            return STRICT.queueNameLengthLimit();
        }

        @Override
        public Limit<Object> batchSizeLimit() {
            return STRICT.batchSizeLimit();
        }

        @Override
        public Limit<RangeLimit<Object>> numberOfMessagesLimit() {
            return STRICT.numberOfMessagesLimit();
        }

        @Override
        public Limit<Object> nonEmptyAttributesLimit() {
            return STRICT.nonEmptyAttributesLimit();
        }

        @Override
        public Limit<scala.collection.immutable.List<RangeLimit<Object>>> bodyValidCharactersLimit() {
            return STRICT.bodyValidCharactersLimit();
        }

        @Override
        public Limit<RangeLimit<BigDecimal>> numberAttributeValueLimit() {
            return STRICT.numberAttributeValueLimit();
        }

        @Override
        public Limit<RangeLimit<Object>> messageWaitTimeLimit() {
            return STRICT.messageWaitTimeLimit();
        }

        @Override
        public Limit<Object> maxMessageLength() {
            return new LimitedValue<>(SQS_MAX_MESSAGE_BYTES);
        }

        @Override
        public Limit<Object> messageAttributesLimit() {
            return STRICT.messageAttributesLimit();
        }
    };

    private static ElasticMqServer shared;

    private final SQSRestServer server;
    private final URI endpoint;

    private ElasticMqServer(Limits limits) {
        this.server = SQSRestServerBuilder$.MODULE$
                .withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion(REGION)
                .withSQSLimits(limits)
                .start();
        int port = server.waitUntilStarted().localAddress().getPort();
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts a server of its own with these limits; the caller closes it. */
    public static ElasticMqServer start(Limits limits) {
        return new ElasticMqServer(limits);
    }

    /** One server with {@link #SQS_2025}, shared by the tests of this JVM and stopped with it. */
    public static synchronized URI endpoint() {
        if (shared == null) {
            shared = new ElasticMqServer(SQS_2025);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared.endpoint;
    }

    public URI uri() {
        return endpoint;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
