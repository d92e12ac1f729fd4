package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.bearer;
import static io.firehosegateway.security.GatewayHttp.problemType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.support.RawHttpUpload;
import io.firehosegateway.support.RecordingSink;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * What one key can do to the others through the shared buffer: its bodies being read hold at most
 * its share, one request at most a request's share, and a body that stalls or trickles is cut and
 * gives its room back.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.buffer.max-records=1000",
            "gateway.limits.body-read-timeout=3s",
            "gateway.limits.body-read-deadline=6s",
            "gateway.security.api-keys[0].name=stalling",
            "gateway.security.api-keys[0].key=" + BufferShareIntegrationTests.STALLING,
            "gateway.security.api-keys[1].name=other",
            "gateway.security.api-keys[1].key=" + BufferShareIntegrationTests.OTHER,
        })
@Import(RecordingSink.Configuration.class)
class BufferShareIntegrationTests {

    static final String STALLING = "stalling-key-11111111111111";
    static final String OTHER = "other-key-222222222222222222";

    /** Declared and never sent in full: the server reads what came and waits for the rest. */
    private static final long DECLARED = 1_000_000;

    @LocalServerPort
    int port;

    @Autowired
    Pipeline pipeline;

    @Autowired
    RecordingSink sink;

    @Test
    void stalledBodiesOfOneKeyLeaveRoomForOtherKeysAndAreCutAtTheReadTimeout() {
        List<RawHttpUpload> uploads = new ArrayList<>();
        try {
            // Five bodies of 240 events each would hold 1,200 of the 1,000 events the buffer has.
            for (int i = 0; i < 5; i++) {
                long before = pipeline.budget().records();
                RawHttpUpload upload =
                        RawHttpUpload.start(port, "/events", DECLARED, "Authorization", "Bearer " + STALLING);
                uploads.add(upload);
                upload.send("[" + events(240, "stalled-" + i) + ",");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> upload.answered() || pipeline.budget().records() >= before + 240);
            }
            assertThat(pipeline.budget().records())
                    .as("what the stalling key's bodies hold: at most half the buffer")
                    .isLessThanOrEqualTo(500);

            String run = UUID.randomUUID().toString();
            GatewayHttp http = new GatewayHttp(port);
            HttpResponse<String> other = http.post("/events", "[" + events(200, run) + "]", bearer(OTHER));
            assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
            assertThat(sink.records())
                    .filteredOn(record -> record.contains(run))
                    .hasSize(200);

            // Past its share the stalling key is told to slow down; the bodies it holds are cut.
            List<String> answers = new ArrayList<>();
            for (RawHttpUpload upload : uploads) {
                answers.add(upload.answer(Duration.ofSeconds(15)));
            }
            assertThat(answers).extracting(RawHttpUpload::status).containsExactly(408, 408, 429, 429, 429);
            assertThat(answers.subList(2, 5))
                    .allSatisfy(answer -> assertThat(answer)
                            .contains("/problems/buffer-share-exceeded")
                            .contains("Retry-After"));
            assertThat(answers).allSatisfy(answer -> assertThat(answer).contains("application/problem+json"));
            await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.budget().records() == 0);
            assertThat(sink.records()).noneMatch(record -> record.contains("stalled-"));
        } finally {
            uploads.forEach(RawHttpUpload::close);
        }
    }

    @Test
    void aBodyThatTricklesInIsCutAtItsDeadline() {
        try (RawHttpUpload upload =
                RawHttpUpload.start(port, "/events", DECLARED, "Authorization", "Bearer " + STALLING)) {
            upload.send("[");
            // A byte each 0.5 s never trips the 3 s read timeout; the 6 s deadline for the body cuts it.
            for (int i = 0; i < 40 && !upload.answered(); i++) {
                if (!upload.send(" ")) {
                    break;
                }
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            }
            String answer = upload.answer(Duration.ofSeconds(10));
            assertThat(RawHttpUpload.status(answer)).as(answer).isEqualTo(408);
            assertThat(answer).contains("/problems/body-read-timeout").containsIgnoringCase("Connection: close");
        }
    }

    @Test
    void aRequestWithMoreEventsThanOneRequestMayHoldIsTooLargeNotTryAgain() {
        // A quarter of the buffer is one request's share: 251 events can never be taken.
        GatewayHttp http = new GatewayHttp(port);
        HttpResponse<String> refused = http.post("/events", "[" + events(251, "too-many") + "]", bearer(OTHER));
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(problemType(refused)).isEqualTo("/problems/too-many-events");
        assertThat(GatewayHttp.body(refused).path("maxEvents").asLong()).isEqualTo(250);
        assertThat(refused.headers().firstValue("Retry-After")).isEmpty();

        HttpResponse<String> fits = http.post("/events", "[" + events(250, "just-fits") + "]", bearer(OTHER));
        assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);
        assertThat(sink.records()).noneMatch(record -> record.contains("too-many"));
    }

    private static String events(int count, String prefix) {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                events.append(',');
            }
            events.append("{\"id\":\"").append(prefix).append('-').append(i).append("\"}");
        }
        return events.toString();
    }
}
