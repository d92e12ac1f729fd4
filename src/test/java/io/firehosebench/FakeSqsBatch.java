package io.firehosebench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * SQS's {@code SendMessageBatch} as {@link FakeFirehose} takes it: read with a streaming parser (no
 * tree per call: SQS's calls carry ten entries, so a gateway makes fifty where Firehose makes one, and
 * the fake's cost per call competes with the gateway's on a small machine), and each entry answered
 * with the MD5s of its body and string attributes that the SDK checks.
 */
final class FakeSqsBatch {

    private static final JsonFactory JSON = new JsonFactory();

    private FakeSqsBatch() {}

    /** A string attribute of a message. */
    record Attribute(String dataType, String stringValue) {}

    /** One entry of a call: its attributes by name, in the order their MD5 takes them. */
    record Entry(String id, String body, SortedMap<String, Attribute> attributes) {}

    /** A call: the queue's URL and its entries, in order. */
    record Batch(String queueUrl, List<Entry> entries) {}

    static Batch read(byte[] body) {
        String url = null;
        List<Entry> entries = new ArrayList<>(10);
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), body)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                JsonToken value = parser.nextToken();
                if ("QueueUrl".equals(name) && value == JsonToken.VALUE_STRING) {
                    url = parser.getString();
                } else if ("Entries".equals(name) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        entries.add(entry(parser));
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        return new Batch(url, entries);
    }

    private static Entry entry(JsonParser parser) {
        String id = null;
        String body = null;
        SortedMap<String, Attribute> attributes = new TreeMap<>();
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            JsonToken value = parser.nextToken();
            if ("Id".equals(name) && value == JsonToken.VALUE_STRING) {
                id = parser.getString();
            } else if ("MessageBody".equals(name) && value == JsonToken.VALUE_STRING) {
                body = parser.getString();
            } else if ("MessageAttributes".equals(name) && value == JsonToken.START_OBJECT) {
                for (String attribute = parser.nextName(); attribute != null; attribute = parser.nextName()) {
                    expect(parser.nextToken(), JsonToken.START_OBJECT);
                    attributes.put(attribute, attribute(parser));
                }
            } else {
                parser.skipChildren();
            }
        }
        return new Entry(id, body, attributes);
    }

    private static Attribute attribute(JsonParser parser) {
        String dataType = null;
        String stringValue = null;
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            JsonToken value = parser.nextToken();
            if ("DataType".equals(name) && value == JsonToken.VALUE_STRING) {
                dataType = parser.getString();
            } else if ("StringValue".equals(name) && value == JsonToken.VALUE_STRING) {
                stringValue = parser.getString();
            } else {
                parser.skipChildren();
            }
        }
        return new Attribute(dataType, stringValue);
    }

    /** The bytes SQS counts of an entry: its body's and its attributes' names, types and values. */
    static long bytes(Entry entry) {
        long bytes = entry.body().getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, Attribute> attribute : entry.attributes().entrySet()) {
            bytes += attribute.getKey().length()
                    + attribute.getValue().dataType().length()
                    + attribute.getValue().stringValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    /** An entry answered successful, with the MD5s of its body and string attributes the SDK checks. */
    static String success(Entry entry, String messageId) {
        StringBuilder answer = new StringBuilder()
                .append("{\"Id\":\"")
                .append(entry.id())
                .append("\",\"MessageId\":\"")
                .append(messageId)
                .append("\",\"MD5OfMessageBody\":\"")
                .append(HexFormat.of().formatHex(md5().digest(entry.body().getBytes(StandardCharsets.UTF_8))))
                .append('"');
        if (!entry.attributes().isEmpty()) {
            MessageDigest digest = md5();
            for (Map.Entry<String, Attribute> attribute : entry.attributes().entrySet()) {
                lengthAndBytes(digest, attribute.getKey());
                lengthAndBytes(digest, attribute.getValue().dataType());
                digest.update((byte) 1);
                lengthAndBytes(digest, attribute.getValue().stringValue());
            }
            answer.append(",\"MD5OfMessageAttributes\":\"")
                    .append(HexFormat.of().formatHex(digest.digest()))
                    .append('"');
        }
        return answer.append('}').toString();
    }

    private static void lengthAndBytes(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + expected + " in a SendMessageBatch, not " + actual);
        }
    }
}
