package io.firehosegateway.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RawHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What reaches the gateway below the HTTP API, over a raw socket: requests Tomcat refuses itself,
 * and bodies the gateway refuses without reading. Every answer is a problem; a refused body is not
 * read to its end.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.security.api-keys[0].name=edge",
            "gateway.security.api-keys[0].key=" + HttpEdgeIntegrationTests.KEY,
            "gateway.limits.max-request-size=1MB",
            // Short enough for a stalled body to time out within the test, long for the rest.
            "gateway.limits.body-read-timeout=2s",
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class HttpEdgeIntegrationTests {

    static final String KEY = "edge-key-0123456789abcdef";

    /** What a test sends of a refused body at most: far less than it declares, far more than any bound. */
    private static final long SEND_AT_MOST = 256L * 1024 * 1024;

    private static final JsonMapper json = JsonMapper.builder().build();

    @TempDir
    static Path directory;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void localSink(DynamicPropertyRegistry registry) {
        registry.add("gateway.local.directory", () -> directory.toString());
    }

    @Test
    void anUnauthenticatedGigabyteIsAnswered401AndNotReadToItsEnd() throws Exception {
        assertRefusedAndHungUpOn(
                "POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1073741824\r\n\r\n",
                401,
                "unauthorized",
                false);
    }

    @Test
    void anUnauthenticatedEndlessChunkedBodyIsAnswered401AndNotReadToItsEnd() throws Exception {
        assertRefusedAndHungUpOn(
                "POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n",
                401,
                "unauthorized",
                true);
    }

    @Test
    void aDeclaredBodyOverTheLimitIsAnswered413AndNotReadToItsEnd() throws Exception {
        assertRefusedAndHungUpOn(
                "POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + KEY + "\r\nContent-Length: 1073741824\r\n\r\n",
                413,
                "request-too-large",
                false);
    }

    /**
     * Sends the head, reads the answer the gateway gives before reading the body, then sends body
     * bytes until the server hangs up, or {@link #SEND_AT_MOST} did not make it.
     */
    private void assertRefusedAndHungUpOn(String head, int status, String type, boolean chunked) throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.write(head.getBytes(ISO_8859_1));
            RawHttp.Response response = http.readResponse();
            assertProblem(response, status, type);

            byte[] bytes = new byte[64 * 1024];
            Arrays.fill(bytes, (byte) ' ');
            byte[] chunk = chunked ? chunk(bytes) : bytes;
            long sent = 0;
            IOException hungUp = null;
            while (sent < SEND_AT_MOST) {
                try {
                    http.writeOrFail(chunk);
                } catch (IOException e) {
                    hungUp = e;
                    break;
                }
                sent += bytes.length;
            }
            assertThat(hungUp)
                    .as("the server should close the connection instead of reading %d bytes of a refused body", sent)
                    .isNotNull();
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a request line of three words and no version | GET /a b c\\r\\n\\r\\n | 400 | bad-request",
                "a character Tomcat refuses in the target | GET /a{b HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
                        + " | 400 | bad-request",
                "a header without a colon | GET /events HTTP/1.1\\r\\nHost: x\\r\\nNo colon\\r\\n\\r\\n | 400 | bad-request",
                "an unknown method | BREW /events HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n | 400 | bad-request",
                "an unsupported transfer coding | POST /events HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip"
                        + "\\r\\n\\r\\n | 501 | not-implemented",
                "an HTTP version Tomcat does not speak | GET /events HTTP/2.5\\r\\nHost: x\\r\\n\\r\\n"
                        + " | 505 | http-version-not-supported",
            })
    void answersWhatTomcatRefusesAsAProblem(String name, String request, int status, String type) {
        String raw = request.replace("\\r", "\r").replace("\\n", "\n");
        RawHttp.Response response = RawHttp.exchange(port, raw);

        assertProblem(response, status, type);
    }

    @Test
    void aHeaderOverTheLimitIsAnswered431AsTooLargeNotMalformed() {
        RawHttp.Response response = RawHttp.exchange(
                port,
                "GET /events HTTP/1.1\r\nHost: x\r\nUser-Agent: " + "a".repeat(9000) + "\r\nConnection: close\r\n\r\n");

        assertProblem(response, 431, "request-header-too-large");
        assertThat(json.readTree(response.body()).path("detail").asString())
                .contains("larger than")
                .doesNotContain("malformed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a header over the limit | GET /events HTTP/1.1\\r\\nHost: x\\r\\nUser-Agent: {9000}\\r\\n\\r\\n",
                "a transfer coding Tomcat does not implement | POST /events HTTP/1.1\\r\\nHost: x\\r\\n"
                        + "Transfer-Encoding: gzip, chunked\\r\\n\\r\\n",
                "a header without a colon | GET /events HTTP/1.1\\r\\nHost: x\\r\\nNo colon\\r\\n\\r\\n",
            })
    void whatTomcatRefusesIsAProblemWithoutNullMembers(String name, String request) {
        String raw =
                request.replace("{9000}", "a".repeat(9000)).replace("\\r", "\r").replace("\\n", "\n");
        RawHttp.Response response = RawHttp.exchange(port, raw);

        assertThat(response.contentType()).as(response.body()).startsWith("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.properties())
                .as(response.body())
                .isNotEmpty()
                .allSatisfy(member -> assertThat(member.getValue().isNull())
                        .as(member.getKey())
                        .isFalse());
    }

    @Test
    void answersABodyThatStopsComingWith408() {
        try (RawHttp http = new RawHttp(port)) {
            http.write(("POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Authorization: Bearer " + KEY + "\r\nContent-Length: 100\r\n\r\n[{\"id\":")
                    .getBytes(ISO_8859_1));

            assertProblem(http.readResponse(), 408, "body-read-timeout");
        }
    }

    @Test
    void refusesMoreParametersThanTomcatReadsWithoutAStackTrace(CapturedOutput output) {
        StringBuilder query = new StringBuilder("p0=1");
        for (int i = 1; i <= 1000; i++) {
            query.append("&p").append(i).append("=1");
        }
        RawHttp.Response response = RawHttp.exchange(
                port, "GET /actuator/health?" + query + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertProblem(response, 400, "invalid-parameter");
        assertThat(output.getAll()).doesNotContain("InvalidParameterException", "at org.apache.tomcat.util.http");
    }

    @Test
    void answersAFirewallRefusalAsAProblem() {
        RawHttp.Response response =
                RawHttp.exchange(port, "GET /events/%2e%2e/actuator/env HTTP/1.1\r\nHost: x\r\n\r\n");

        assertProblem(response, 400, "bad-request");
    }

    private static void assertProblem(RawHttp.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).as(response.body()).startsWith("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("type").asString()).isEqualTo("/problems/" + type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotEmpty();
        assertThat(problem.path("detail").asString()).isNotEmpty();
    }

    private static byte[] chunk(byte[] data) {
        byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(ISO_8859_1);
        byte[] chunk = new byte[size.length + data.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(data, 0, chunk, size.length, data.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }
}
