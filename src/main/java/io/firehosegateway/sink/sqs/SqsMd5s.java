package io.firehosegateway.sink.sqs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * Whether SQS's answer holds, for every message it took, the MD5s of its body and attributes that
 * the SDK's {@code MessageMD5ChecksumInterceptor} computes: the same digests, with one {@link
 * MessageDigest} for the call where the interceptor looks one up twice a message (a provider search
 * and an algorithm-constraints check each time).
 *
 * <p>It only says yes or no: on a no, the caller runs the SDK's own check, so that a mismatch
 * fails with the SDK's exception and message, and anything this does not read (an attribute other
 * than a string, an answer for an id not sent) is judged by the SDK as before.
 */
final class SqsMd5s {

    private static final byte STRING_TYPE = 1;
    private static final HexFormat HEX = HexFormat.of();

    private SqsMd5s() {}

    /** True when every successful entry answers the MD5s the SDK would compute for its message. */
    static boolean allMatch(List<SendMessageBatchRequestEntry> sent, List<SendMessageBatchResultEntry> successful) {
        MessageDigest md5 = md5();
        for (SendMessageBatchResultEntry answered : successful) {
            SendMessageBatchRequestEntry entry = find(sent, answered.id());
            if (entry == null) {
                return false;
            }
            byte[] body = md5.digest(entry.messageBody().getBytes(StandardCharsets.UTF_8));
            if (!HEX.formatHex(body).equals(answered.md5OfMessageBody())) {
                return false;
            }
            Map<String, MessageAttributeValue> attributes = entry.messageAttributes();
            if (attributes != null
                    && !attributes.isEmpty()
                    && !matchesAttributes(md5, attributes, answered.md5OfMessageAttributes())) {
                return false;
            }
        }
        return true;
    }

    /** The interceptor's digest of the attributes: each name, type and value, length-prefixed, in name order. */
    private static boolean matchesAttributes(
            MessageDigest md5, Map<String, MessageAttributeValue> attributes, String answered) {
        String[] names = attributes.keySet().toArray(new String[0]);
        Arrays.sort(names);
        byte[] length = new byte[4];
        for (String name : names) {
            MessageAttributeValue value = attributes.get(name);
            if (value.stringValue() == null || value.dataType() == null) {
                return false;
            }
            update(md5, length, name);
            update(md5, length, value.dataType());
            md5.update(STRING_TYPE);
            update(md5, length, value.stringValue());
        }
        return HEX.formatHex(md5.digest()).equals(answered);
    }

    private static void update(MessageDigest md5, byte[] length, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int n = utf8.length;
        length[0] = (byte) (n >>> 24);
        length[1] = (byte) (n >>> 16);
        length[2] = (byte) (n >>> 8);
        length[3] = (byte) n;
        md5.update(length);
        md5.update(utf8);
    }

    private static SendMessageBatchRequestEntry find(List<SendMessageBatchRequestEntry> sent, String id) {
        for (SendMessageBatchRequestEntry entry : sent) {
            if (entry.id().equals(id)) {
                return entry;
            }
        }
        return null;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}
