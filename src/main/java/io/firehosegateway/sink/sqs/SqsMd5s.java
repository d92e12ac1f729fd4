package io.firehosegateway.sink.sqs;

import java.io.ByteArrayOutputStream;
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
    private static final String STRING = "String";
    private static final byte[] EVENT_ID_HEAD = attributeHead(SqsSink.EVENT_ID_ATTRIBUTE);
    private static final byte[] STREAM_HEAD = attributeHead(SqsSink.STREAM_ATTRIBUTE);

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

    /**
     * True when every entry SQS took answers the MD5s the SDK would compute for its message: the
     * body's over the bytes sent, and the attributes' over the event id's bytes between parts that
     * are the same for every message of the call.
     */
    static boolean allMatch(SqsBatch batch, List<SqsAnswer.Accepted> successful) {
        MessageDigest md5 = md5();
        byte[] length = new byte[4];
        byte[] stream = null;
        for (SqsAnswer.Accepted answered : successful) {
            SqsMessage message = batch.message(answered.id());
            if (message == null) {
                return false;
            }
            md5.update(message.body(), 0, message.bodyLength());
            if (!hexEquals(md5.digest(), answered.md5OfMessageBody())) {
                return false;
            }
            if (stream == null) {
                stream = streamAttribute(batch.stream());
            }
            // In name order, as the interceptor digests them: "event-id" sorts before "stream".
            md5.update(EVENT_ID_HEAD);
            update(md5, length, message.eventId());
            md5.update(stream);
            if (!hexEquals(md5.digest(), answered.md5OfMessageAttributes())) {
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
        update(md5, length, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void update(MessageDigest md5, byte[] length, byte[] utf8) {
        int n = utf8.length;
        length[0] = (byte) (n >>> 24);
        length[1] = (byte) (n >>> 16);
        length[2] = (byte) (n >>> 8);
        length[3] = (byte) n;
        md5.update(length);
        md5.update(utf8);
    }

    /** What the digest of a string attribute named {@code name} takes before its value: name, type and kind. */
    private static byte[] attributeHead(String name) {
        ByteArrayOutputStream head = new ByteArrayOutputStream(32);
        lengthPrefixed(head, name.getBytes(StandardCharsets.UTF_8));
        lengthPrefixed(head, STRING.getBytes(StandardCharsets.UTF_8));
        head.write(STRING_TYPE);
        return head.toByteArray();
    }

    /** The digest's part for the call's {@value SqsSink#STREAM_ATTRIBUTE} attribute, whole. */
    private static byte[] streamAttribute(String stream) {
        ByteArrayOutputStream part = new ByteArrayOutputStream(64);
        part.writeBytes(STREAM_HEAD);
        lengthPrefixed(part, stream.getBytes(StandardCharsets.UTF_8));
        return part.toByteArray();
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] utf8) {
        int n = utf8.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(utf8);
    }

    /** Whether {@code hex} is {@code digest} in lower-case hex, as the SDK compares them, without formatting it. */
    private static boolean hexEquals(byte[] digest, String hex) {
        if (hex == null || hex.length() != digest.length * 2) {
            return false;
        }
        for (int i = 0; i < digest.length; i++) {
            if (hex.charAt(2 * i) != HEX.toHighHexDigit(digest[i])
                    || hex.charAt(2 * i + 1) != HEX.toLowHexDigit(digest[i])) {
                return false;
            }
        }
        return true;
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
