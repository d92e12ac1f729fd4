package io.firehosegateway.sink.sqs;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * What {@link SqsSink} reads of a {@code SendMessageBatch} answer: the entries SQS took, with the
 * MD5s it answered for them, and those it refused, with why. Read straight from the answer's bytes
 * on the direct path ({@link SqsWire#readAnswer}), from the SDK's response on the SDK's.
 *
 * @param successful the entries SQS took
 * @param failed the entries SQS refused
 */
record SqsAnswer(List<Accepted> successful, List<Refused> failed) {

    /**
     * An entry SQS took.
     *
     * @param id the entry's {@code Id}
     * @param md5OfMessageBody the hex MD5 SQS computed of the body it received
     * @param md5OfMessageAttributes the hex MD5 SQS computed of the attributes, or null
     */
    record Accepted(String id, String md5OfMessageBody, String md5OfMessageAttributes) {}

    /**
     * An entry SQS refused.
     *
     * @param id the entry's {@code Id}
     * @param code SQS's error code
     * @param message SQS's message, or null
     * @param senderFault whether SQS blames the request, or null when it did not say
     */
    record Refused(String id, String code, String message, Boolean senderFault) {}

    /** What the SDK's client answered. */
    static SqsAnswer of(SendMessageBatchResponse response) {
        List<Accepted> successful = new ArrayList<>(response.successful().size());
        for (SendMessageBatchResultEntry entry : response.successful()) {
            successful.add(new Accepted(entry.id(), entry.md5OfMessageBody(), entry.md5OfMessageAttributes()));
        }
        List<Refused> failed = new ArrayList<>(response.failed().size());
        for (BatchResultErrorEntry entry : response.failed()) {
            failed.add(new Refused(entry.id(), entry.code(), entry.message(), entry.senderFault()));
        }
        return new SqsAnswer(successful, failed);
    }

    /** The SDK's response holding what this read: for the SDK's own MD5 check, which reads the successes. */
    SendMessageBatchResponse toSdk() {
        List<SendMessageBatchResultEntry> entries = new ArrayList<>(successful.size());
        for (Accepted entry : successful) {
            entries.add(SendMessageBatchResultEntry.builder()
                    .id(entry.id())
                    .md5OfMessageBody(entry.md5OfMessageBody())
                    .md5OfMessageAttributes(entry.md5OfMessageAttributes())
                    .build());
        }
        return SendMessageBatchResponse.builder()
                .successful(entries)
                .failed(List.of())
                .build();
    }
}
