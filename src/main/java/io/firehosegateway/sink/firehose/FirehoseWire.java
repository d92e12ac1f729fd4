package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.aws.AwsJsonRpcClient;
import io.firehosegateway.sink.aws.JsonStrings;
import io.firehosegateway.sink.aws.WireBytes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.firehose.model.ConcurrentModificationException;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.InvalidKmsResourceException;
import software.amazon.awssdk.services.firehose.model.InvalidSourceException;
import software.amazon.awssdk.services.firehose.model.LimitExceededException;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code PutRecordBatch} on the wire, as the gateway builds it itself: the body written byte for
 * byte as the SDK writes it, into one array of the exact size, and the answer read for its failed
 * entries only.
 */
final class FirehoseWire {

    static final AwsJsonRpcClient.Protocol PROTOCOL = new AwsJsonRpcClient.Protocol(
            "firehose", "Firehose", "application/x-amz-json-1.1", "Firehose_20150804", false);

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] STREAM = WireBytes.ascii("{\"DeliveryStreamName\":");
    private static final byte[] RECORDS = WireBytes.ascii(",\"Records\":[");
    private static final byte[] DATA = WireBytes.ascii("{\"Data\":\"");
    private static final byte[] DATA_END = WireBytes.ascii("\"}");
    private static final byte[] END = WireBytes.ascii("]}");

    private FirehoseWire() {}

    /** The body of a {@code PutRecordBatch} of {@code records} to {@code stream}. */
    static byte[] putRecordBatch(String stream, List<SinkRecord> records) {
        byte[] name = JsonStrings.quoted(stream);
        int size = STREAM.length + name.length + RECORDS.length + END.length + Math.max(0, records.size() - 1);
        int largest = 0;
        for (SinkRecord record : records) {
            int length = record.data().length;
            size += DATA.length + WireBytes.base64Length(length) + DATA_END.length;
            largest = Math.max(largest, length);
        }
        byte[] body = new byte[size];
        // One buffer for every record's base64 of this call: the JDK's encoder writes only from offset 0.
        byte[] encoded = new byte[WireBytes.base64Length(largest)];
        Base64.Encoder base64 = Base64.getEncoder();
        int at = WireBytes.put(body, 0, STREAM);
        at = WireBytes.put(body, at, name);
        at = WireBytes.put(body, at, RECORDS);
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                body[at++] = ',';
            }
            at = WireBytes.put(body, at, DATA);
            int length = base64.encode(records.get(i).data(), encoded);
            System.arraycopy(encoded, 0, body, at, length);
            at += length;
            at = WireBytes.put(body, at, DATA_END);
        }
        WireBytes.put(body, at, END);
        return body;
    }

    /**
     * The outcome of each record from a {@code PutRecordBatch} answer, as {@link FirehoseSink} maps
     * the SDK's: all accepted when {@code FailedPutCount} is 0 or absent, else entry by entry.
     */
    static BatchResult readAnswer(byte[] answer, FirehoseRetryClassifier classifier) {
        Integer failed = null;
        int entries = 0;
        List<RecordOutcome> outcomes = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), answer)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                JsonToken value = parser.nextToken();
                if ("FailedPutCount".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    failed = parser.getIntValue();
                } else if ("RequestResponses".equals(name) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        entries++;
                        outcomes.add(entry(parser, classifier));
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        if (failed == null || failed == 0) {
            return BatchResult.allAccepted(entries);
        }
        return new BatchResult(outcomes);
    }

    private static RecordOutcome entry(JsonParser parser, FirehoseRetryClassifier classifier) {
        String code = null;
        String message = null;
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_STRING && "ErrorCode".equals(name)) {
                code = parser.getString();
            } else if (value == JsonToken.VALUE_STRING && "ErrorMessage".equals(name)) {
                message = parser.getString();
            } else {
                parser.skipChildren();
            }
        }
        return code == null ? RecordOutcome.ACCEPTED : new RecordOutcome(classifier.classifyEntry(code), code, message);
    }

    /** The SDK's exception for an error code of Firehose's, so that the classifier reads both paths alike. */
    static AwsServiceException.Builder exceptionFor(String code) {
        if (code == null) {
            return FirehoseException.builder();
        }
        return switch (code) {
            case "ServiceUnavailableException" -> ServiceUnavailableException.builder();
            case "ResourceNotFoundException" -> ResourceNotFoundException.builder();
            case "InvalidArgumentException" -> InvalidArgumentException.builder();
            case "InvalidKMSResourceException" -> InvalidKmsResourceException.builder();
            case "InvalidSourceException" -> InvalidSourceException.builder();
            case "LimitExceededException" -> LimitExceededException.builder();
            case "ResourceInUseException" -> ResourceInUseException.builder();
            case "ConcurrentModificationException" -> ConcurrentModificationException.builder();
            default -> FirehoseException.builder();
        };
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalStateException("Firehose answered " + actual + " where " + expected + " was due");
        }
    }
}
