package io.firehosegateway.sink.sqs;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * One {@code SendMessageBatch} call: its queue, the gateway stream every message names in its
 * {@value SqsSink#STREAM_ATTRIBUTE} attribute, and its messages in the order sent.
 */
record SqsBatch(String url, String stream, List<SqsMessage> messages) {

    /** The SDK's entries for these messages. */
    List<SendMessageBatchRequestEntry> toSdk() {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (SqsMessage message : messages) {
            entries.add(message.toSdk(stream));
        }
        return entries;
    }

    /** The message whose entry {@code Id} is {@code id}, or null when none was sent. */
    SqsMessage message(String id) {
        for (SqsMessage message : messages) {
            if (message.id().equals(id)) {
                return message;
            }
        }
        return null;
    }
}
