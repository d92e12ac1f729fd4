package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SqsBodiesTests {

    private static byte[] framed(String json) {
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theBodyIsTheCompactJsonWithoutItsFramingNewline() {
        assertThat(SqsBodies.body(framed("{\"id\":\"a\",\"t\":\"caf\u00e9 \ud83d\ude00\"}")))
                .isEqualTo("{\"id\":\"a\",\"t\":\"caf\u00e9 \ud83d\ude00\"}");
        assertThat(SqsBodies.bodySize(framed("{\"id\":\"a\",\"t\":\"caf\u00e9\"}")))
                .isEqualTo("{\"id\":\"a\",\"t\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void charactersOutsideXmlAreWrittenAsEscapes() {
        String body = SqsBodies.body(framed("{\"t\":\"a\uffffb\ufffec\u0001d\u001fe\"}"));

        assertThat(body).isEqualTo("{\"t\":\"a\\uffffb\\ufffec\\u0001d\\u001fe\"}");
        assertThat(body.codePoints()).allMatch(SqsBodies::isXmlChar);
        assertThat(SqsBodies.bodySize(framed("{\"t\":\"\uffff\"}"))).isEqualTo("{\"t\":\"\\uffff\"}".length());
    }

    @Test
    void tabNewlineReturnAndEveryOtherXmlCharacterStay() {
        String kept = "{\"t\":\"\t\r\n \ud7ff\ue000\ufffd\ud800\udc00\udbff\udfff\"}";

        assertThat(SqsBodies.body(framed(kept))).isEqualTo(kept);
        assertThat(SqsBodies.isXmlChar(0x8)).isFalse();
        assertThat(SqsBodies.isXmlChar(0xFFFE)).isFalse();
        assertThat(SqsBodies.isXmlChar(0xFFFF)).isFalse();
        assertThat(SqsBodies.isXmlChar(0x10FFFF)).isTrue();
    }

    @Test
    void utf8LengthCountsAsSqsCounts() {
        String text = "a\u00e9\u20ac\ud83d\ude00";

        assertThat(SqsBodies.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
}
