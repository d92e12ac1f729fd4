package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.aws.AwsJsonRpcClient;
import io.firehosegateway.sink.aws.JsonStrings;
import io.firehosegateway.sink.aws.WireBytes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.InternalFailureException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.KmsDisabledException;
import software.amazon.awssdk.services.kinesis.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kinesis.model.KmsNotFoundException;
import software.amazon.awssdk.services.kinesis.model.KmsOptInRequiredException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ValidationException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code PutRecords} on the wire in Kinesis's JSON protocol, as the gateway builds it itself: the
 * body written byte for byte as the SDK's JSON writer writes it, into one array of the exact size,
 * and the answer read for the count of failures and each entry's error and shard only.
 */
final class KinesisWire {

    static final AwsJsonRpcClient.Protocol PROTOCOL = new AwsJsonRpcClient.Protocol(
            "kinesis", "Kinesis", "application/x-amz-json-1.1", "Kinesis_20131202", false);

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] RECORDS = WireBytes.ascii("{\"Records\":[");
    private static final byte[] DATA = WireBytes.ascii("{\"Data\":\"");
    private static final byte[] HASH_KEY = WireBytes.ascii("\",\"ExplicitHashKey\":");
    private static final byte[] PARTITION_KEY_AFTER_DATA = WireBytes.ascii("\",\"PartitionKey\":");
    private static final byte[] PARTITION_KEY = WireBytes.ascii(",\"PartitionKey\":");
    private static final byte[] STREAM_NAME = WireBytes.ascii("],\"StreamName\":");
    private static final byte[] STREAM_ARN = WireBytes.ascii("],\"StreamARN\":");

    private KinesisWire() {}

    /** The body of a {@code PutRecords} of {@code entries} to {@code destination}, a stream's name or ARN. */
    static byte[] putRecords(String destination, List<PutRecordsRequestEntry> entries) {
        // Keys are short and few bytes: written once each, then copied into the body with the data.
        List<byte[]> keys = new ArrayList<>(entries.size() * 2);
        int size = RECORDS.length + Math.max(0, entries.size() - 1) + 1;
        int largest = 0;
        for (PutRecordsRequestEntry entry : entries) {
            int length = entry.data().asByteArrayUnsafe().length;
            byte[] hashKey = entry.explicitHashKey() == null ? null : JsonStrings.quoted(entry.explicitHashKey());
            byte[] partitionKey = JsonStrings.quoted(entry.partitionKey());
            keys.add(hashKey);
            keys.add(partitionKey);
            size += DATA.length + WireBytes.base64Length(length) + partitionKey.length + 1;
            size += hashKey == null
                    ? PARTITION_KEY_AFTER_DATA.length
                    : HASH_KEY.length + hashKey.length + PARTITION_KEY.length;
            largest = Math.max(largest, length);
        }
        boolean arn = KinesisStreamDescriptions.isArn(destination);
        byte[] name = JsonStrings.quoted(destination);
        size += (arn ? STREAM_ARN.length : STREAM_NAME.length) + name.length;
        byte[] body = new byte[size];
        // One buffer for every record's base64 of this call: the JDK's encoder writes only from offset 0.
        byte[] encoded = new byte[WireBytes.base64Length(largest)];
        Base64.Encoder base64 = Base64.getEncoder();
        int at = WireBytes.put(body, 0, RECORDS);
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                body[at++] = ',';
            }
            at = WireBytes.put(body, at, DATA);
            int length = base64.encode(entries.get(i).data().asByteArrayUnsafe(), encoded);
            System.arraycopy(encoded, 0, body, at, length);
            at += length;
            byte[] hashKey = keys.get(2 * i);
            if (hashKey == null) {
                at = WireBytes.put(body, at, PARTITION_KEY_AFTER_DATA);
            } else {
                at = WireBytes.put(body, at, HASH_KEY);
                at = WireBytes.put(body, at, hashKey);
                at = WireBytes.put(body, at, PARTITION_KEY);
            }
            at = WireBytes.put(body, at, keys.get(2 * i + 1));
            body[at++] = '}';
        }
        at = WireBytes.put(body, at, arn ? STREAM_ARN : STREAM_NAME);
        at = WireBytes.put(body, at, name);
        body[at] = '}';
        return body;
    }

    /**
     * A {@code PutRecords} answer as the SDK's client gives it, with only what {@link KinesisSink}
     * reads: the count of failed records and each entry's error code, message and shard.
     */
    static PutRecordsResponse readAnswer(byte[] answer) {
        PutRecordsResponse.Builder response = PutRecordsResponse.builder();
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), answer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("Kinesis answered PutRecords with no JSON object");
            }
            for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                JsonToken value = parser.nextToken();
                if ("FailedRecordCount".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    response.failedRecordCount(parser.getIntValue());
                } else if ("Records".equals(name) && value == JsonToken.START_ARRAY) {
                    List<PutRecordsResultEntry> entries = new ArrayList<>();
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        entries.add(entry(parser));
                    }
                    response.records(entries);
                } else {
                    parser.skipChildren();
                }
            }
        }
        return response.build();
    }

    private static PutRecordsResultEntry entry(JsonParser parser) {
        PutRecordsResultEntry.Builder entry = PutRecordsResultEntry.builder();
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            JsonToken value = parser.nextToken();
            if (value != JsonToken.VALUE_STRING) {
                parser.skipChildren();
                continue;
            }
            switch (name) {
                case "ErrorCode" -> entry.errorCode(parser.getString());
                case "ErrorMessage" -> entry.errorMessage(parser.getString());
                case "ShardId" -> entry.shardId(parser.getString());
                default -> {
                    // SequenceNumber: the sink does not order by it.
                }
            }
        }
        return entry.build();
    }

    /** The SDK's exception for an error code of Kinesis's, so that the classifier reads both paths alike. */
    static AwsServiceException.Builder exceptionFor(String code) {
        if (code == null) {
            return KinesisException.builder();
        }
        return switch (code) {
            case "ResourceNotFoundException" -> ResourceNotFoundException.builder();
            case "InvalidArgumentException" -> InvalidArgumentException.builder();
            case "ProvisionedThroughputExceededException" -> ProvisionedThroughputExceededException.builder();
            case "AccessDeniedException" -> AccessDeniedException.builder();
            case "InternalFailureException" -> InternalFailureException.builder();
            case "LimitExceededException" -> LimitExceededException.builder();
            case "ResourceInUseException" -> ResourceInUseException.builder();
            case "ValidationException" -> ValidationException.builder();
            case "KMSAccessDeniedException" -> KmsAccessDeniedException.builder();
            case "KMSDisabledException" -> KmsDisabledException.builder();
            case "KMSInvalidStateException" -> KmsInvalidStateException.builder();
            case "KMSNotFoundException" -> KmsNotFoundException.builder();
            case "KMSOptInRequired" -> KmsOptInRequiredException.builder();
            case "KMSThrottlingException" -> KmsThrottlingException.builder();
            default -> KinesisException.builder();
        };
    }
}
