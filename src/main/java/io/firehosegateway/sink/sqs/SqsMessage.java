package io.firehosegateway.sink.sqs;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * One message of a {@code SendMessageBatch} as the gateway holds it: its body as the UTF-8 bytes
 * sent (a record's own bytes up to {@code bodyLength}, its framing newline left out, where nothing
 * needed an escape), so that the body written and the MD5 checked of it read the bytes in hand
 * instead of decoding them into a string and encoding it again. The arrays are not copied and not
 * changed.
 *
 * @param id the entry's {@code Id}: its record's position in the call
 * @param body the body's UTF-8 bytes, from the first up to {@code bodyLength}
 * @param bodyLength how many of {@code body}'s bytes are the body
 * @param eventId the UTF-8 bytes of the {@value SqsSink#EVENT_ID_ATTRIBUTE} attribute's value
 * @param groupId the {@code MessageGroupId}, or null for none
 * @param deduplicationId the {@code MessageDeduplicationId}, or null for none
 */
record SqsMessage(String id, byte[] body, int bodyLength, byte[] eventId, String groupId, String deduplicationId) {

    private static final String STRING = "String";

    /** The message of a framed record, its body escaped where SQS would refuse a character. */
    static SqsMessage of(String id, byte[] framed, String eventIdAttribute, String groupId, String deduplicationId) {
        byte[] body = SqsBodies.bodyBytes(framed);
        int length = body == framed ? SqsBodies.unframedLength(framed) : body.length;
        return new SqsMessage(
                id, body, length, eventIdAttribute.getBytes(StandardCharsets.UTF_8), groupId, deduplicationId);
    }

    /** The SDK's entry for this message to a gateway stream: what its client sends, and what its MD5 check reads. */
    SendMessageBatchRequestEntry toSdk(String stream) {
        // In the order the direct path writes them: the SDK keeps a map's order.
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(4);
        attributes.put(SqsSink.EVENT_ID_ATTRIBUTE, string(new String(eventId, StandardCharsets.UTF_8)));
        attributes.put(SqsSink.STREAM_ATTRIBUTE, string(stream));
        return SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(new String(body, 0, bodyLength, StandardCharsets.UTF_8))
                .messageAttributes(attributes)
                .messageGroupId(groupId)
                .messageDeduplicationId(deduplicationId)
                .build();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder()
                .dataType(STRING)
                .stringValue(value)
                .build();
    }
}
