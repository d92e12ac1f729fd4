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
    private static final byte[] EVENT_ID_VALUE =
            concat(MESSAGE_ATTRIBUTES, JsonStrings.quoted(SqsSink.EVENT_ID_ATTRIBUTE), STRING_VALUE);
    private static final byte[] STRING_DATA_TYPE = concat(DATA_TYPE, JsonStrings.quoted("String"), ascii("}"));

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
     * The body of {@code batch}'s call: the bytes {@link #sendMessageBatch(String, List)} writes for
     * its messages' SDK entries, from the bytes in hand. Each message's attributes are its event id
     * between parts written once for the call.
     */
    static byte[] sendMessageBatch(SqsBatch batch) {
        List<SqsMessage> messages = batch.messages();
        ByteArrayOutputStream attributesEnd = new ByteArrayOutputStream(96);
        attributesEnd.writeBytes(STRING_DATA_TYPE);
        attributesEnd.write(',');
        JsonStrings.write(attributesEnd, SqsSink.STREAM_ATTRIBUTE);
        attributesEnd.writeBytes(STRING_VALUE);
        JsonStrings.write(attributesEnd, batch.stream());
        attributesEnd.writeBytes(STRING_DATA_TYPE);
        attributesEnd.write('}');
        byte[] end = attributesEnd.toByteArray();
        int estimate = 64 + batch.url().length();
        for (SqsMessage message : messages) {
            estimate += 128 + end.length + message.bodyLength() + message.eventId().length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(estimate);
        out.writeBytes(QUEUE_URL);
        JsonStrings.write(out, batch.url());
        out.writeBytes(ENTRIES);
        for (int i = 0; i < messages.size(); i++) {
            SqsMessage message = messages.get(i);
            out.writeBytes(i == 0 ? FIRST_ID : NEXT_ID);
            JsonStrings.write(out, message.id());
            out.writeBytes(MESSAGE_BODY);
            JsonStrings.write(out, message.body(), message.bodyLength());
            out.writeBytes(EVENT_ID_VALUE);
            JsonStrings.write(out, message.eventId(), message.eventId().length);
            out.writeBytes(end);
            if (message.deduplicationId() != null) {
                out.writeBytes(DEDUPLICATION_ID);
                JsonStrings.write(out, message.deduplicationId());
            }
            if (message.groupId() != null) {
                out.writeBytes(GROUP_ID);
                JsonStrings.write(out, message.groupId());
            }
            out.write('}');
        }
        out.write(']');
        out.write('}');
        return out.toByteArray();
    }

    /**
     * The answer to {@code batch}, read for what {@link SqsSink} needs of it, after the SDK's check of
     * the MD5s of each message sent: a mismatch fails the call as it fails the SDK's.
     */
    static SqsAnswer readAnswer(byte[] answer, SqsBatch batch) {
        List<SqsAnswer.Accepted> successful = new ArrayList<>(batch.messages().size());
        List<SqsAnswer.Refused> failed = new ArrayList<>();
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
        SqsAnswer read = new SqsAnswer(successful, failed);
        if (!SqsMd5s.allMatch(batch, successful)) {
            // The SDK's own check then fails the call with its exception, or finds it sound.
            checkAsTheSdk(batch.url(), batch.toSdk(), read.toSdk());
        }
        return read;
    }

    /** The SDK's check of the MD5s SQS answered: its exception when one does not match. */
    static void checkAsTheSdk(
            String url, List<SendMessageBatchRequestEntry> entries, SendMessageBatchResponse response) {
        SendMessageBatchRequest request =
                SendMessageBatchRequest.builder().queueUrl(url).entries(entries).build();
        MD5.afterExecution(new Answered(request, response), CHECKS_ON);
    }

    /** An entry SQS took: only its id and MD5s are read, the strings SQS answers beside them skipped undecoded. */
    private static SqsAnswer.Accepted success(JsonParser parser) {
        String id = null;
        String md5OfBody = null;
        String md5OfAttributes = null;
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            JsonToken value = parser.nextToken();
            if (value != JsonToken.VALUE_STRING) {
                parser.skipChildren();
                continue;
            }
            switch (name) {
                case "Id" -> id = parser.getString();
                case "MD5OfMessageBody" -> md5OfBody = parser.getString();
                case "MD5OfMessageAttributes" -> md5OfAttributes = parser.getString();
                default -> {}
            }
        }
        return new SqsAnswer.Accepted(id, md5OfBody, md5OfAttributes);
    }

    private static SqsAnswer.Refused failure(JsonParser parser) {
        String id = null;
        String code = null;
        String message = null;
        Boolean senderFault = null;
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            JsonToken value = parser.nextToken();
            if ("SenderFault".equals(name) && (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE)) {
                senderFault = value == JsonToken.VALUE_TRUE;
            } else if (value != JsonToken.VALUE_STRING) {
                parser.skipChildren();
            } else if ("Id".equals(name)) {
                id = parser.getString();
            } else if ("Code".equals(name)) {
                code = parser.getString();
            } else if ("Message".equals(name)) {
                message = parser.getString();
            }
        }
        return new SqsAnswer.Refused(id, code, message, senderFault);
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

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
