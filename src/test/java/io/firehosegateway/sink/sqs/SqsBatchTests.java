package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosebench.FakeFirehose;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A call as the direct path holds it, its bodies as the bytes in hand, against the SDK's entries for
 * the same messages: the same body written, the same MD5s checked as the SDK's interceptor checks
 * them, and SQS's answer read into the same outcomes.
 */
class SqsBatchTests {

    private static final String URL = "http://127.0.0.1:4576/000000000000/orders";
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final String[] PARTS = {
        "plain", "Zoë", "🚀", "\\\"", "\\\\", "\u0001", "\\t", "日本語", "\uFFFE", "\uFFFF", " ", "\u001f"
    };

    @Test
    void writesTheBodyTheSdksEntriesGiveForRandomBatches() {
        Random random = new Random(24);
        for (int round = 0; round < 300; round++) {
            SqsBatch batch = batch(random);

            assertThat(SqsWire.sendMessageBatch(batch)).isEqualTo(SqsWire.sendMessageBatch(URL, batch.toSdk()));
        }
    }

    @Test
    void checksTheMd5sOfTheBytesSentAsTheSdkChecksThem() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            SqsBatch batch = batch(random);
            List<String> answers = answers(batch);

            SqsAnswer read = SqsWire.readAnswer(answer(answers), batch);
            assertThat(read.successful()).hasSize(batch.messages().size());
            assertThat(SqsMd5s.allMatch(batch, read.successful())).isTrue();

            int at = random.nextInt(answers.size());
            String md5 = random.nextBoolean() ? "MD5OfMessageAttributes" : "MD5OfMessageBody";
            answers.set(at, answers.get(at).replaceFirst("\"" + md5 + "\":\"(.)", "\"" + md5 + "\":\"$1x"));
            byte[] changed = answer(answers);
            assertThatThrownBy(() -> SqsWire.readAnswer(changed, batch)).isInstanceOf(SdkClientException.class);
        }
    }

    @Test
    void readsEachRefusalWithItsCodeMessageAndFault() {
        SqsBatch batch = batch(new Random(3));
        byte[] answer = ("{\"Failed\":[{\"Id\":\"0\",\"SenderFault\":true,\"Code\":\"InvalidParameterValue\","
                        + "\"Message\":\"bad\",\"Extra\":{\"a\":[1]}},{\"Code\":\"InternalError\",\"Id\":\"1\"}],"
                        + "\"Successful\":[]}")
                .getBytes(StandardCharsets.UTF_8);

        SqsAnswer read = SqsWire.readAnswer(answer, batch);

        assertThat(read.successful()).isEmpty();
        assertThat(read.failed())
                .containsExactly(
                        new SqsAnswer.Refused("0", "InvalidParameterValue", "bad", true),
                        new SqsAnswer.Refused("1", "InternalError", null, null));
    }

    @Test
    void anAnswerForAnIdNotSentIsLeftToTheSdk() {
        SqsBatch batch = batch(new Random(5));
        List<SqsAnswer.Accepted> accepted = new ArrayList<>(
                SqsWire.readAnswer(answer(answers(batch)), batch).successful());
        SqsAnswer.Accepted first = accepted.get(0);
        accepted.set(0, new SqsAnswer.Accepted("99", first.md5OfMessageBody(), first.md5OfMessageAttributes()));

        assertThat(SqsMd5s.allMatch(batch, accepted)).isFalse();
    }

    /** Two to ten messages of one call, framed as the pipeline hands them over, some needing escapes. */
    private static SqsBatch batch(Random random) {
        String stream = random.nextBoolean() ? "orders" : "поток-" + random.nextInt(9);
        List<SqsMessage> messages = new ArrayList<>();
        int count = 2 + random.nextInt(9);
        for (int i = 0; i < count; i++) {
            byte[] framed = ("{\"t\":\"" + text(random, 120) + "\"}\n").getBytes(StandardCharsets.UTF_8);
            String eventId = SqsMessageIds.eventIdAttribute("id-" + text(random, 6));
            String group = random.nextInt(3) == 0 ? null : SqsMessageIds.fifoId("ключ-" + random.nextInt(20));
            String deduplication = group != null && random.nextBoolean() ? SqsMessageIds.fifoId("d" + i) : null;
            messages.add(SqsMessage.of(SqsMessageIds.entryId(i), framed, eventId, group, deduplication));
        }
        return new SqsBatch(URL, stream, messages);
    }

    /** Each entry's success as SQS (the fake, apart from the gateway's code) answers it. */
    private static List<String> answers(SqsBatch batch) {
        JsonNode request = json.readTree(SqsWire.sendMessageBatch(batch));
        List<String> answers = new ArrayList<>();
        int i = 0;
        for (JsonNode entry : request.get("Entries")) {
            answers.add(FakeFirehose.sqsSuccess(entry, "m" + i++));
        }
        return answers;
    }

    private static byte[] answer(List<String> successes) {
        return ("{\"Failed\":[],\"Successful\":[" + String.join(",", successes) + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Random random, int most) {
        return random.ints(random.nextInt(most), 0, PARTS.length)
                .mapToObj(part -> PARTS[part])
                .collect(Collectors.joining());
    }
}
