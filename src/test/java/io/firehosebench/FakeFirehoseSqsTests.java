package io.firehosebench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bench fake answers SQS's JSON 1.0 protocol as the real SDK client expects (the client checks
 * every entry's MD5s, so a wrong digest fails the call), and counts per queue what SQS would bill:
 * one request per 64 KiB chunk of a call's bodies and attributes.
 */
class FakeFirehoseSqsTests {

    private FakeFirehose fake;
    private SqsAsyncClient sqs;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeFirehose(0);
        fake.start();
        sqs = SqsAsyncClient.builder()
                .endpointOverride(fake.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    @AfterEach
    void stop() {
        sqs.close();
        fake.close();
    }

    @Test
    void answersABatchByEntryIdWithTheDigestsTheClientChecksAndCountsItAsOneBilledRequest() {
        String url = sqs.getQueueUrl(r -> r.queueName("bench-queue")).join().queueUrl();
        assertThat(url).endsWith("/bench-queue");

        SendMessageBatchResponse answer = sqs.sendMessageBatch(r ->
                        r.queueUrl(url).entries(entry("a-1", "{\"n\":1}"), entry("b_2", "{\"n\":2,\"text\":\"é\"}")))
                .join();

        assertThat(answer.failed()).isEmpty();
        assertThat(answer.successful()).extracting(e -> e.id()).containsExactlyInAnyOrder("a-1", "b_2");
        JsonNode queue = stats().get("streams").get("bench-queue");
        assertThat(queue.get("calls").asLong()).isEqualTo(1);
        assertThat(queue.get("records").asLong()).isEqualTo(2);
        assertThat(queue.get("billedUnits").asLong()).isEqualTo(1);
        assertThat(stats().get("calls").get("AmazonSQS.SendMessageBatch").asLong())
                .isEqualTo(1);
    }

    @Test
    void billsOneRequestPerStarted64KibChunkOfACall() {
        String url = sqs.getQueueUrl(r -> r.queueName("big")).join().queueUrl();
        String body = "x".repeat(40 * 1024);

        sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entry("1", body), entry("2", body)))
                .join();

        JsonNode queue = stats().get("streams").get("big");
        assertThat(queue.get("bytes").asLong()).isGreaterThan(80 * 1024);
        assertThat(queue.get("billedUnits").asLong()).isEqualTo(2);
    }

    private static SendMessageBatchRequestEntry entry(String id, String body) {
        return SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(body)
                .messageAttributes(Map.of(
                        "event-id",
                                MessageAttributeValue.builder()
                                        .dataType("String")
                                        .stringValue("e-" + id)
                                        .build(),
                        "stream",
                                MessageAttributeValue.builder()
                                        .dataType("String")
                                        .stringValue("events")
                                        .build()))
                .build();
    }

    private JsonNode stats() {
        return JsonMapper.builder().build().readTree(fake.stats());
    }
}
