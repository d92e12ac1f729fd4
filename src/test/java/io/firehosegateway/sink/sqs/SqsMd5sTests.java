package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosebench.FakeFirehose;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's MD5 check against the SDK's interceptor on the same batches: SQS's answers (as the
 * fake computes them, apart from both) pass both, and an answer with any one MD5 changed fails both.
 */
class SqsMd5sTests {

    private static final String URL = "http://127.0.0.1:4576/000000000000/orders";
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final String[] PARTS = {"plain", "Zoë", "🚀", "\"", "\\", "\u0001", "\t", "日本語", "\uFFFE", " "};

    @Test
    void bothChecksPassWhatSqsAnswersAndFailAnyOneMd5Changed() {
        Random random = new Random(24);
        for (int round = 0; round < 300; round++) {
            List<SendMessageBatchRequestEntry> entries = entries(random, 1 + random.nextInt(10));
            List<SendMessageBatchResultEntry> answered = answers(entries);

            assertThat(SqsMd5s.allMatch(entries, answered)).isTrue();
            assertThatCode(() -> SqsWire.checkAsTheSdk(URL, entries, response(answered)))
                    .doesNotThrowAnyException();

            List<SendMessageBatchResultEntry> changed = new ArrayList<>(answered);
            int at = random.nextInt(changed.size());
            SendMessageBatchResultEntry entry = changed.get(at);
            changed.set(
                    at,
                    entry.md5OfMessageAttributes() != null && random.nextBoolean()
                            ? entry.toBuilder()
                                    .md5OfMessageAttributes(flip(entry.md5OfMessageAttributes()))
                                    .build()
                            : entry.toBuilder()
                                    .md5OfMessageBody(flip(entry.md5OfMessageBody()))
                                    .build());

            assertThat(SqsMd5s.allMatch(entries, changed)).isFalse();
            assertThatThrownBy(() -> SqsWire.checkAsTheSdk(URL, entries, response(changed)))
                    .isInstanceOf(SdkClientException.class);
        }
    }

    @Test
    void anAnswerForAnIdNotSentIsLeftToTheSdk() {
        List<SendMessageBatchRequestEntry> entries = entries(new Random(7), 2);
        List<SendMessageBatchResultEntry> answered = new ArrayList<>(answers(entries));
        answered.set(1, answered.get(1).toBuilder().id("not-sent").build());
        assertThat(SqsMd5s.allMatch(entries, answered)).isFalse();
    }

    private static List<SendMessageBatchRequestEntry> entries(Random random, int count) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .messageBody(text(random, 200));
            int attributes = random.nextInt(4);
            if (attributes > 0) {
                Map<String, MessageAttributeValue> map = new LinkedHashMap<>();
                for (int a = 0; a < attributes; a++) {
                    map.put(
                            "attr-" + text(random, 8).replaceAll("[^a-zA-Z0-9]", "") + a,
                            MessageAttributeValue.builder()
                                    .dataType(random.nextBoolean() ? "String" : "String.ключ")
                                    .stringValue("v" + text(random, 60))
                                    .build());
                }
                entry.messageAttributes(map);
            }
            entries.add(entry.build());
        }
        return entries;
    }

    private static List<SendMessageBatchResultEntry> answers(List<SendMessageBatchRequestEntry> entries) {
        JsonNode request = json.readTree(SqsWire.sendMessageBatch(URL, entries));
        List<SendMessageBatchResultEntry> answered = new ArrayList<>();
        int i = 0;
        for (JsonNode entry : request.get("Entries")) {
            JsonNode success = json.readTree(FakeFirehose.sqsSuccess(entry, "m" + i++));
            answered.add(SendMessageBatchResultEntry.builder()
                    .id(success.get("Id").asString())
                    .messageId(success.get("MessageId").asString())
                    .md5OfMessageBody(success.get("MD5OfMessageBody").asString())
                    .md5OfMessageAttributes(
                            success.has("MD5OfMessageAttributes")
                                    ? success.get("MD5OfMessageAttributes").asString()
                                    : null)
                    .build());
        }
        return answered;
    }

    private static SendMessageBatchResponse response(List<SendMessageBatchResultEntry> successful) {
        return SendMessageBatchResponse.builder()
                .successful(successful)
                .failed(List.of())
                .build();
    }

    private static String text(Random random, int most) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(most);
        for (int i = 0; i < length; i++) {
            text.append(PARTS[random.nextInt(PARTS.length)]);
        }
        return text.toString();
    }

    private static String flip(String hex) {
        return (hex.charAt(0) == '0' ? '1' : '0') + hex.substring(1);
    }
}
