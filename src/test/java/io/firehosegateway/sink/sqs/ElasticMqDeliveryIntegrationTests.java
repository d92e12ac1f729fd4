package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.ElasticMqServer;
import io.firehosegateway.support.SqsEmulator.Message;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The read-back tests of {@link SqsReadBackTests} against ElasticMQ, started inside the test JVM
 * with SQS's 1 MiB message limit (ElasticMQ 1.6.11's own strict limits hold 256 KiB: see
 * {@link ElasticMqServer}): every event once with its attributes, characters SQS refuses sent as
 * escapes, FIFO deduplication of a client's resend and each group's order, the 413, a queue
 * missing at start.
 */
class ElasticMqDeliveryIntegrationTests extends SqsReadBackTests {

    @DynamicPropertySource
    static void sqs(DynamicPropertyRegistry registry) {
        configure(registry, ElasticMqServer.endpoint());
    }

    /**
     * The largest event the gateway takes (1 MiB less what the attributes may need) lands whole: over
     * ElasticMQ's own 256 KiB, within SQS's 1 MiB. Here only, since moto's message limit is its own.
     */
    @Test
    void theLargestEventTheGatewayTakesLandsWhole() throws Exception {
        String head = "{\"id\":\"largest\",\"pad\":\"";
        // The largest record counts the event's framing newline, which is not sent.
        int padding = SqsLimits.LIMITS.maxRecordBytes() - 1 - head.length() - 2;
        String largest = head + "x".repeat(padding) + "\"}";

        HttpResponse<String> response = post("/events", "application/json", largest);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Message> received = emulator.drain(eventsUrl);
        assertThat(received).extracting(Message::body).containsExactly(largest);
        assertThat(largest.length()).isGreaterThan(256 * 1024);
    }
}
