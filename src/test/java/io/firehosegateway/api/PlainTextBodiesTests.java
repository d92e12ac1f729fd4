package io.firehosegateway.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a {@code text/plain} body is told to be JSON or NDJSON, and that the parser still reads all of it. */
class PlainTextBodiesTests {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"id\":\"a\"}\n{\"id\":\"b\"}\n",
                "\r\n  {\"id\":\"a\"}  \r\n{\"id\":\"b\"}",
                "{\"id\":\"a\"}\n",
                "{\"id\":\"a\"}\n{\"broken\":}\n"
            })
    void aFirstLineThatIsOneObjectMakesNdjson(String body) throws IOException {
        assertSniffed(body, EventFormat.NDJSON);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[{\"id\":\"a\"},\n{\"id\":\"b\"}]\n",
                "{\n  \"id\": \"a\",\n  \"n\": {\n    \"m\": 1\n  }\n}\n",
                "{\"id\":\"a\"}",
                "{\"id\":\"a\"} {\"id\":\"b\"}",
                "",
                " \r\n ",
                "\"hello\"\n"
            })
    void anythingElseIsJson(String body) throws IOException {
        assertSniffed(body, EventFormat.JSON);
    }

    @Test
    void aFirstLineLongerThanTheWindowIsJson() throws IOException {
        String body = "{\"t\":\"" + "x".repeat(100) + "\"}\n{\"id\":\"b\"}\n";

        assertThat(sniff(body, 50).format()).isEqualTo(EventFormat.JSON);
        assertThat(sniff(body, 200).format()).isEqualTo(EventFormat.NDJSON);
    }

    @Test
    void aUtf16BodyIsNdjsonByItsLinesSoItsRefusalNamesTheLine() throws IOException {
        byte[] utf16 = "{\"id\":\"a\"}\n{\"id\":\"b\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);

        PlainTextBodies.Sniffed sniffed = PlainTextBodies.sniff(new ByteArrayInputStream(utf16), 1024);

        assertThat(sniffed.format()).isEqualTo(EventFormat.NDJSON);
        assertThat(sniffed.body().readAllBytes()).isEqualTo(utf16);
    }

    private static void assertSniffed(String body, EventFormat expected) throws IOException {
        PlainTextBodies.Sniffed sniffed = sniff(body, 1024);

        assertThat(sniffed.format()).isEqualTo(expected);
        assertThat(new String(sniffed.body().readAllBytes(), UTF_8))
                .as("what was looked at is read again")
                .isEqualTo(body);
    }

    private static PlainTextBodies.Sniffed sniff(String body, int window) {
        return PlainTextBodies.sniff(new ByteArrayInputStream(body.getBytes(UTF_8)), window);
    }
}
