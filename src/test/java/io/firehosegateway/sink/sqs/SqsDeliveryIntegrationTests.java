package io.firehosegateway.sink.sqs;

import io.firehosegateway.support.MotoServer;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The read-back tests of {@link SqsReadBackTests} against moto's SQS over HTTP. */
class SqsDeliveryIntegrationTests extends SqsReadBackTests {

    @DynamicPropertySource
    static void sqs(DynamicPropertyRegistry registry) {
        configure(registry, MotoServer.endpoint());
    }

    @BeforeAll
    static void requireMoto() {
        MotoServer.endpoint();
    }
}
