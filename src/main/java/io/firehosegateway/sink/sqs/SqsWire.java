package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.aws.AwsJsonRpcClient;
import io.firehosegateway.sink.aws.JsonStrings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.reactivestreams.Publisher;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.sqs.internal.MessageMD5ChecksumInterceptor;
import software.amazon.awssdk.services.sqs.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sqs.model.BatchRequestTooLongException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.EmptyBatchRequestException;
import software.amazon.awssdk.services.sqs.model.InvalidAddressException;
import software.amazon.awssdk.services.sqs.model.InvalidBatchEntryIdException;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;
import software.amazon.awssdk.services.sqs.model.InvalidSecurityException;
import software.amazon.awssdk.services.sqs.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.sqs.model.KmsDisabledException;
import software.amazon.awssdk.services.sqs.model.KmsInvalidKeyUsageException;
import software.amazon.awssdk.services.sqs.model.KmsInvalidStateException;
import software.amazon.awssdk.services.sqs.model.KmsNotFoundException;
import software.amazon.awssdk.services.sqs.model.KmsOptInRequiredException;
import software.amazon.awssdk.services.sqs.model.KmsThrottledException;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.OverLimitException;
import software.amazon.awssdk.services.sqs.model.QueueDeletedRecentlyException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.RequestThrottledException;
import software.amazon.awssdk.services.sqs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;
import software.amazon.awssdk.services.sqs.model.TooManyEntriesInBatchRequestException;
import software.amazon.awssdk.services.sqs.model.UnsupportedOperationException;
import software.amazon.awssdk.utils.AttributeMap;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code SendMessageBatch} on the wire, as the gateway builds it itself from the entries {@link
 * SqsSink} made: the body written as the SDK writes it, and the answer read for each entry's id,
 * its failure, and the MD5s the SDK checks, checked as its own interceptor checks them ({@link
 * SqsMd5s}, with the interceptor itself to fail a call).
 */
final class SqsWire {

    static final AwsJsonRpcClient.Protocol PROTOCOL =
            new AwsJsonRpcClient.Protocol("sqs", "Sqs", "application/x-amz-json-1.0", "AmazonSQS", true);

    private static final JsonFactory JSON = new JsonFactory();
    private static final MessageMD5ChecksumInterceptor MD5 = new MessageMD5ChecksumInterceptor();
    // The body's fixed parts, encoded once: fifty calls carry what one Firehose call does.
    private static final byte[] QUEUE_URL = ascii("{\"QueueUrl\":");
    private static final byte[] ENTRIES = ascii(",\"Entries\":[");
    private static final byte[] FIRST_ID = ascii("{\"Id\":");
    private static final byte[] NEXT_ID = ascii(",{\"Id\":");
    private static final byte[] MESSAGE_BODY = ascii(",\"MessageBody\":");
    private static final byte[] MESSAGE_ATTRIBUTES = ascii(",\"MessageAttributes\":{");
    private static final byte[] STRING_VALUE = ascii(":{\"StringValue\":");
    private static final byte[] DATA_TYPE = ascii(",\"DataType\":");
    private static final byte[] DEDUPLICATION_ID = ascii(",\"MessageDeduplicationId\":");
    private static final byte[] GROUP_ID = ascii(",\"MessageGroupId\":");

    private SqsWire() {}

    /** The body of a {@code SendMessageBatch} of {@code entries} to the queue at {@code url}. */
    static byte[] sendMessageBatch(String url, List<SendMessageBatchRequestEntry> entries) {
        int estimate = 64 + url.length();
        for (SendMessageBatchRequestEntry entry : entries) {
            estimate += 256 + entry.messageBody().length() * 2;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(estimate);
        out.writeBytes(QUEUE_URL);
        JsonStrings.write(out, url);
        out.writeBytes(ENTRIES);
        for (int i = 0; i < entries.size(); i++) {
            SendMessageBatchRequestEntry entry = entries.get(i);
            out.writeBytes(i == 0 ? FIRST_ID : NEXT_ID);
            JsonStrings.write(out, entry.id());
            out.writeBytes(MESSAGE_BODY);
            JsonStrings.write(out, entry.messageBody());
            if (entry.hasMessageAttributes()) {
                out.writeBytes(MESSAGE_ATTRIBUTES);
                boolean first = true;
                for (Map.Entry<String, MessageAttributeValue> attribute :
                        entry.messageAttributes().entrySet()) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    JsonStrings.write(out, attribute.getKey());
                    out.writeBytes(STRING_VALUE);
                    JsonStrings.write(out, attribute.getValue().stringValue());
                    out.writeBytes(DATA_TYPE);
                    JsonStrings.write(out, attribute.getValue().dataType());
                    out.write('}');
                }
                out.write('}');
            }
            if (entry.messageDeduplicationId() != null) {
                out.writeBytes(DEDUPLICATION_ID);
                JsonStrings.write(out, entry.messageDeduplicationId());
            }
            if (entry.messageGroupId() != null) {
                out.writeBytes(GROUP_ID);
                JsonStrings.write(out, entry.messageGroupId());
            }
            out.write('}');
        }
        out.write(']');
        out.write('}');
        return out.toByteArray();
    }

    /**
     * The answer as the SDK's response holds what {@link SqsSink} reads of it, after the SDK's check
     * of the MD5s of each message sent: a mismatch fails the call as it fails the SDK's.
     */
    static SendMessageBatchResponse readAnswer(byte[] answer, String url, List<SendMessageBatchRequestEntry> entries) {
        List<SendMessageBatchResultEntry> successful = new ArrayList<>(entries.size());
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), answer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("SQS answered " + parser.currentToken() + " where an object was due");
            }
            for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                JsonToken value = parser.nextToken();
                if ("Successful".equals(name) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        successful.add(success(parser));
                    }
                } else if ("Failed".equals(name) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        failed.add(failure(parser));
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        SendMessageBatchResponse response = SendMessageBatchResponse.builder()
                .successful(successful)
                .failed(failed)
                .build();
        if (!SqsMd5s.allMatch(entries, successful)) {
            // The SDK's own check then fails the call with its exception, or finds it sound.
            checkAsTheSdk(url, entries, response);
        }
        return response;
    }

    /** The SDK's check of the MD5s SQS answered: its exception when one does not match. */
    static void checkAsTheSdk(
            String url, List<SendMessageBatchRequestEntry> entries, SendMessageBatchResponse response) {
        SendMessageBatchRequest request =
                SendMessageBatchRequest.builder().queueUrl(url).entries(entries).build();
        MD5.afterExecution(new Answered(request, response), CHECKS_ON);
    }

    private static SendMessageBatchResultEntry success(JsonParser parser) {
        SendMessageBatchResultEntry.Builder entry = SendMessageBatchResultEntry.builder();
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            JsonToken value = parser.nextToken();
            if (value != JsonToken.VALUE_STRING) {
                parser.skipChildren();
                continue;
            }
            switch (name) {
                case "Id" -> entry.id(parser.getString());
                case "MessageId" -> entry.messageId(parser.getString());
                case "MD5OfMessageBody" -> entry.md5OfMessageBody(parser.getString());
                case "MD5OfMessageAttributes" -> entry.md5OfMessageAttributes(parser.getString());
                case "MD5OfMessageSystemAttributes" -> entry.md5OfMessageSystemAttributes(parser.getString());
                case "SequenceNumber" -> entry.sequenceNumber(parser.getString());
                default -> {}
            }
        }
        return entry.build();
    }

    private static BatchResultErrorEntry failure(JsonParser parser) {
        BatchResultErrorEntry.Builder entry = BatchResultErrorEntry.builder();
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            JsonToken value = parser.nextToken();
            if ("SenderFault".equals(name) && (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE)) {
                entry.senderFault(value == JsonToken.VALUE_TRUE);
            } else if (value != JsonToken.VALUE_STRING) {
                parser.skipChildren();
            } else if ("Id".equals(name)) {
                entry.id(parser.getString());
            } else if ("Code".equals(name)) {
                entry.code(parser.getString());
            } else if ("Message".equals(name)) {
                entry.message(parser.getString());
            }
        }
        return entry.build();
    }

    /** The SDK's exception for an error code of SQS's JSON protocol, so that the classifier reads both paths alike. */
    static AwsServiceException.Builder exceptionFor(String code) {
        if (code == null) {
            return SqsException.builder();
        }
        return switch (code) {
            case "QueueDoesNotExist" -> QueueDoesNotExistException.builder();
            case "QueueDeletedRecently" -> QueueDeletedRecentlyException.builder();
            case "RequestThrottled" -> RequestThrottledException.builder();
            case "KmsThrottled" -> KmsThrottledException.builder();
            case "InvalidSecurity" -> InvalidSecurityException.builder();
            case "InvalidAddress" -> InvalidAddressException.builder();
            case "KmsAccessDenied" -> KmsAccessDeniedException.builder();
            case "KmsDisabled" -> KmsDisabledException.builder();
            case "KmsInvalidKeyUsage" -> KmsInvalidKeyUsageException.builder();
            case "KmsInvalidState" -> KmsInvalidStateException.builder();
            case "KmsNotFound" -> KmsNotFoundException.builder();
            case "KmsOptInRequired" -> KmsOptInRequiredException.builder();
            case "BatchRequestTooLong" -> BatchRequestTooLongException.builder();
            case "TooManyEntriesInBatchRequest" -> TooManyEntriesInBatchRequestException.builder();
            case "EmptyBatchRequest" -> EmptyBatchRequestException.builder();
            case "BatchEntryIdsNotDistinct" -> BatchEntryIdsNotDistinctException.builder();
            case "InvalidBatchEntryId" -> InvalidBatchEntryIdException.builder();
            case "InvalidMessageContents" -> InvalidMessageContentsException.builder();
            case "OverLimit" -> OverLimitException.builder();
            case "UnsupportedOperation" -> UnsupportedOperationException.builder();
            case "ResourceNotFoundException" -> ResourceNotFoundException.builder();
            default -> SqsException.builder();
        };
    }

    /** The SDK's checksum validation as its client has it by default: on. */
    private static final ExecutionAttributes CHECKS_ON = ExecutionAttributes.builder()
            .put(SdkInternalExecutionAttribute.CLIENT_CONTEXT_PARAMS, AttributeMap.empty())
            .build();

    /** What the SDK's MD5 interceptor reads of a finished call: its request and its response. */
    private record Answered(SdkRequest request, SdkResponse response) implements Context.AfterExecution {

        @Override
        public SdkHttpRequest httpRequest() {
            throw new IllegalStateException("not read by the MD5 check");
        }

        @Override
        public Optional<RequestBody> requestBody() {
            return Optional.empty();
        }

        @Override
        public Optional<AsyncRequestBody> asyncRequestBody() {
            return Optional.empty();
        }

        @Override
        public SdkHttpResponse httpResponse() {
            throw new IllegalStateException("not read by the MD5 check");
        }

        @Override
        public Optional<Publisher<ByteBuffer>> responsePublisher() {
            return Optional.empty();
        }

        @Override
        public Optional<InputStream> responseBody() {
            return Optional.empty();
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
