package io.firehosegateway.security;

import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.PipelineProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The key authentication of the one filter chain, as a slice: no port, no sink, a controller that
 * accepts whatever reaches it. {@link ApiKeyAuthenticationIntegrationTests} checks the same keys
 * through a running gateway, with delivery, metrics and logs.
 */
@WebMvcTest(
        controllers = ApiKeyAuthenticationTests.Accepting.class,
        includeFilters =
                @ComponentScan.Filter(
                        type = FilterType.ASSIGNABLE_TYPE,
                        classes = {SecurityConfiguration.class, ApiKeysConfiguration.class}),
        properties = {
            "gateway.streams.audit.pack-bytes=0B",
            "gateway.streams.billing.pack-bytes=0B",
            "gateway.security.api-keys[0].name=ingest",
            "gateway.security.api-keys[0].key=" + ApiKeyAuthenticationTests.INGEST,
            "gateway.security.api-keys[1].name=auditor",
            "gateway.security.api-keys[1].key=" + ApiKeyAuthenticationTests.AUDITOR,
            "gateway.security.api-keys[1].streams=audit",
        })
@Import({ApiKeyAuthenticationTests.Accepting.class, ApiKeyAuthenticationTests.Settings.class})
class ApiKeyAuthenticationTests {

    static final String INGEST = "ingest-3f9a1c7e5b2d4a6f8e0c";
    static final String AUDITOR = "auditor-9b8c7d6e5f4a3b2c1d0e";

    @Autowired
    MockMvc mvc;

    // The chain counts its refusals; what it counts is ApiKeyAuthenticationIntegrationTests' to check.
    @MockitoBean
    GatewayMetrics metrics;

    @Test
    void anEventRequestWithoutAKeyIsAnUnauthorizedProblemAskingForABearerToken() throws Exception {
        mvc.perform(post("/events").contentType(MediaType.APPLICATION_JSON).content("{\"a\":1}"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/unauthorized"))
                .andExpect(header().string("WWW-Authenticate", startsWith("Bearer")));
    }

    @Test
    void aWrongKeyIsUnauthorizedInEitherHeader() throws Exception {
        String wrong = "wrong-key-0000000000000000";
        for (String[] header : new String[][] {
            {"Authorization", "Bearer " + wrong}, {"X-API-Key", wrong}, {"Authorization", "Basic " + INGEST}
        }) {
            mvc.perform(post("/events")
                            .header(header[0], header[1])
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"a\":1}"))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.type").value("/problems/unauthorized"));
        }
    }

    @Test
    void theRightKeyIsLetThroughInEitherHeader() throws Exception {
        for (String[] header : new String[][] {
            {"Authorization", "Bearer " + INGEST}, {"X-API-Key", INGEST}, {"Authorization", "bearer " + INGEST}
        }) {
            mvc.perform(post("/events")
                            .header(header[0], header[1])
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"a\":1}"))
                    .andExpect(status().isAccepted());
        }
    }

    @Test
    void aKeyOutsideItsStreamsIsForbiddenAndWithinThemLetThrough() throws Exception {
        mvc.perform(post("/streams/billing/events")
                        .header("Authorization", "Bearer " + AUDITOR)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"a\":1}"))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value("/problems/forbidden"));
        mvc.perform(post("/events")
                        .header("Authorization", "Bearer " + AUDITOR)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"a\":1}"))
                .andExpect(status().isForbidden());
        mvc.perform(post("/streams/audit/events")
                        .header("Authorization", "Bearer " + AUDITOR)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"a\":1}"))
                .andExpect(status().isAccepted());
    }

    /** The settings the chain reads; a slice binds none of its own. */
    @TestConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties({SecurityProperties.class, PipelineProperties.class})
    static class Settings {}

    /** Stands in for the event endpoints: whatever the chain lets through is accepted. */
    @RestController
    static class Accepting {

        @PostMapping("/events")
        ResponseEntity<Void> events() {
            return ResponseEntity.accepted().build();
        }

        @PostMapping("/streams/{stream}/events")
        ResponseEntity<Void> streamEvents(@PathVariable String stream) {
            return ResponseEntity.accepted().build();
        }
    }
}
