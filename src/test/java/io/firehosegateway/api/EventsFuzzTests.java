package io.firehosegateway.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.firehose.FirehoseClientConfiguration;
import io.firehosegateway.support.AcceptingSink;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Any bytes, sent with any of a set of content types, encodings, paths and keys, through the whole
 * HTTP layer (the security filter chain, the controller, the body parser, the problem handler) into
 * a sink that always succeeds, get a 2xx or a 4xx: never a 5xx, never an exception out of the stack.
 *
 * <p>{@code mvn verify} replays the corpus (schema- and metadata-bearing inputs among it) in {@code EventsFuzzTestsInputs}, in failsafe's JVM, since
 * Jazzer's agent would disturb the other tests' classes; with {@code JAZZER_FUZZ=1} Jazzer fuzzes, for
 * {@code JAZZER_MAX_DURATION} or the annotation's duration. The limits are small so that the fuzzer
 * reaches them with small inputs.
 */
@SpringBootTest(
        properties = {
            "gateway.sink=firehose",
            "gateway.streams.audit.pack-bytes=2KB",
            // Schema-bearing: the default stream routes invalid events, audit rejects them, by /type.
            "gateway.streams.events.schema=classpath:io/firehosegateway/api/fuzz-schemas/events.json",
            "gateway.streams.events.on-invalid=route:invalid-events",
            "gateway.streams.invalid-events.pack-bytes=0B",
            "gateway.streams.audit.schema-by=/type",
            "gateway.streams.audit.schemas[0].value=login",
            "gateway.streams.audit.schemas[0].schema=classpath:io/firehosegateway/api/fuzz-schemas/audit-login.json",
            "gateway.streams.audit.schemas[1].value=logout",
            "gateway.streams.audit.schemas[1].schema=classpath:io/firehosegateway/api/fuzz-schemas/audit-logout.json",
            // Numbers against every numeric keyword: through the shortcut (measure), networknt alone (ratio).
            "gateway.streams.audit.schemas[2].value=measure",
            "gateway.streams.audit.schemas[2].schema=classpath:io/firehosegateway/api/fuzz-schemas/audit-measure.json",
            "gateway.streams.audit.schemas[3].value=ratio",
            "gateway.streams.audit.schemas[3].schema=classpath:io/firehosegateway/api/fuzz-schemas/audit-ratio.json",
            // Metadata-bearing: every fact on the default stream, after its schema; the schema-by
            // stream's hash and request id under another member; the generator's stream.
            "gateway.streams.events.metadata.member=_meta",
            "gateway.streams.events.metadata.facts=received-at,key,request-id,instance,client-address,schema-hash",
            "gateway.streams.audit.metadata.member=gw",
            "gateway.streams.audit.metadata.facts=request-id,schema-hash",
            "gateway.streams.generated.metadata.member=_meta",
            "gateway.streams.generated.metadata.facts=received-at,key,request-id,schema-hash",
            "gateway.limits.max-request-size=64KB",
            "gateway.limits.max-line-length=4KB",
            "gateway.limits.max-nesting-depth=8",
            "gateway.limits.max-string-length=512",
            "gateway.limits.max-number-length=40",
            "gateway.generator.max-count=5",
            "gateway.security.api-keys[0].name=fuzz",
            "gateway.security.api-keys[0].key=" + FuzzedRequest.KEY,
            "gateway.security.api-keys[0].generator=true",
            "gateway.security.api-keys[1].name=audit",
            "gateway.security.api-keys[1].key=" + FuzzedRequest.AUDIT_KEY,
            "gateway.security.api-keys[1].streams=audit",
        })
@AutoConfigureMockMvc
@Import(EventsFuzzTests.AlwaysSucceeding.class)
class EventsFuzzTests {

    @Autowired
    MockMvc mvc;

    @FuzzTest(maxDuration = "60s")
    void anyBytesGetATwoOrFourHundredAnswer(byte[] input) throws Exception {
        FuzzedRequest request = FuzzedRequest.of(input);
        // An exception thrown here escaped every handler: Jazzer reports it as a finding, as it should.
        MockHttpServletResponse response =
                mvc.perform(request.toRequest()).andReturn().getResponse();
        int status = response.getStatus();
        if (status < 200 || status >= 500) {
            throw new AssertionError(request + " was answered " + status + ": " + response.getContentAsString());
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class AlwaysSucceeding {

        @Bean(FirehoseClientConfiguration.SINK_BEAN)
        Sink alwaysSucceedingSink() {
            return new AcceptingSink();
        }
    }
}
