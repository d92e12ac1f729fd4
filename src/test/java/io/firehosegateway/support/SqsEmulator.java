package io.firehosegateway.support;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Sets up queues on an SQS emulator (moto, ElasticMQ or LocalStack) and reads back every message, as
 * a consumer would, with the real AWS SDK: received, then deleted.
 */
public final class SqsEmulator implements AutoCloseable {

    public static final String REGION = "us-east-1";

    /**
     * One message as a consumer receives it.
     *
     * @param body its body
     * @param attributes its message attributes, as strings
     * @param groupId its {@code MessageGroupId}, or null
     * @param deduplicationId its {@code MessageDeduplicationId}, or null
     */
    public record Message(String body, Map<String, String> attributes, String groupId, String deduplicationId) {}

    private final SqsClient sqs;

    public SqsEmulator(URI endpoint) {
        this.sqs = SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** Creates a queue, a FIFO one when its name ends in {@code .fifo}; returns its URL. */
    public String createQueue(String name) {
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        if (name.endsWith(".fifo")) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        return sqs.createQueue(request -> request.queueName(name).attributes(attributes))
                .queueUrl();
    }

    /**
     * Creates a FIFO queue in high-throughput mode: its throughput quota per message group
     * ({@code FifoThroughputLimit=perMessageGroupId}, {@code DeduplicationScope=messageGroup}).
     */
    public String createHighThroughputFifoQueue(String name) {
        return sqs.createQueue(request -> request.queueName(name)
                        .attributes(Map.of(
                                QueueAttributeName.FIFO_QUEUE, "true",
                                QueueAttributeName.FIFO_THROUGHPUT_LIMIT, "perMessageGroupId",
                                QueueAttributeName.DEDUPLICATION_SCOPE, "messageGroup")))
                .queueUrl();
    }

    /** Receives and deletes every message the queue holds now, in the order received. */
    public List<Message> drain(String url) {
        List<Message> messages = new ArrayList<>();
        int emptyAnswers = 0;
        while (emptyAnswers < 2) {
            ReceiveMessageResponse response = sqs.receiveMessage(request -> request.queueUrl(url)
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(0)
                    .visibilityTimeout(30)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(
                            MessageSystemAttributeName.MESSAGE_GROUP_ID,
                            MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID));
            if (response.messages().isEmpty()) {
                emptyAnswers++;
                continue;
            }
            emptyAnswers = 0;
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
            for (software.amazon.awssdk.services.sqs.model.Message message : response.messages()) {
                Map<String, String> attributes = new LinkedHashMap<>();
                message.messageAttributes().forEach((name, value) -> attributes.put(name, value.stringValue()));
                messages.add(new Message(
                        message.body(),
                        attributes,
                        message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                        message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)));
                deletes.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(deletes.size()))
                        .receiptHandle(message.receiptHandle())
                        .build());
            }
            sqs.deleteMessageBatch(request -> request.queueUrl(url).entries(deletes));
        }
        return messages;
    }

    @Override
    public void close() {
        sqs.close();
    }
}
