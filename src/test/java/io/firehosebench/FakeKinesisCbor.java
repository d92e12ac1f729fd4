package io.firehosebench;

import java.util.Arrays;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.cbor.CBORMapper;

/**
 * Kinesis's CBOR protocol, as much of it as {@link FakeFirehose} speaks: a {@code PutRecords} read
 * with a streaming parser for its stream and each record's data size only (as the JSON path scans
 * for them, so the fake's own cost per call stays small), and any JSON answer written as CBOR.
 */
final class FakeKinesisCbor {

    static final String CONTENT_TYPE = "application/x-amz-cbor-1.1";

    private static final CBORMapper cbor = CBORMapper.builder().build();
    private static final JsonMapper json = JsonMapper.builder().build();

    private FakeKinesisCbor() {}

    /**
     * What the fake counts of one {@code PutRecords}.
     *
     * @param stream its {@code StreamName}, else its {@code StreamARN}, else {@code ?}
     * @param dataSizes each record's data, in bytes, in the call's order
     */
    record PutRecords(String stream, long[] dataSizes) {}

    static boolean speaks(String contentType) {
        return CONTENT_TYPE.equals(contentType);
    }

    static PutRecords putRecords(byte[] body) {
        String name = null;
        String arn = null;
        long[] sizes = new long[16];
        int records = 0;
        try (JsonParser parser = cbor.createParser(body)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            for (String field = parser.nextName(); field != null; field = parser.nextName()) {
                JsonToken value = parser.nextToken();
                if ("StreamName".equals(field) && value == JsonToken.VALUE_STRING) {
                    name = parser.getString();
                } else if ("StreamARN".equals(field) && value == JsonToken.VALUE_STRING) {
                    arn = parser.getString();
                } else if ("Records".equals(field) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        if (records == sizes.length) {
                            sizes = Arrays.copyOf(sizes, records * 2);
                        }
                        sizes[records++] = dataSize(parser);
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        return new PutRecords(name != null ? name : arn != null ? arn : "?", Arrays.copyOf(sizes, records));
    }

    /** The size of one record's {@code Data}, a CBOR byte string; the parser left after the record. */
    private static long dataSize(JsonParser parser) {
        long size = 0;
        for (String field = parser.nextName(); field != null; field = parser.nextName()) {
            JsonToken value = parser.nextToken();
            if ("Data".equals(field) && value == JsonToken.VALUE_EMBEDDED_OBJECT) {
                size = parser.getBinaryValue().length;
            } else {
                parser.skipChildren();
            }
        }
        return size;
    }

    /** A CBOR call, the same tree in JSON (byte strings as base64, as Kinesis's JSON protocol has them). */
    static byte[] toJson(byte[] call) {
        return json.writeValueAsBytes(cbor.readTree(call));
    }

    /** A JSON answer of the fake's, the same tree in CBOR. */
    static byte[] fromJson(byte[] answer) {
        return cbor.writeValueAsBytes(json.readTree(answer));
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("a CBOR PutRecords starts with " + expected + ", not " + actual);
        }
    }
}
