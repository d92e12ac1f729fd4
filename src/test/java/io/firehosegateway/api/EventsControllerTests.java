package io.firehosegateway.api;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.firehosegateway.idempotency.EventIdWindows;
import io.firehosegateway.idempotency.IdempotencyKeys;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.security.SecurityProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The event endpoints' problem answers to requests refused before a body is read, as a slice: the
 * controller, the problem handler and the gateway's own filter chain (an open gateway, no keys),
 * without a port or a pipeline. {@link BadInputIntegrationTests} sends the whole battery through a
 * running gateway.
 */
@WebMvcTest(
        controllers = EventsController.class,
        includeFilters =
                @ComponentScan.Filter(
                        type = FilterType.REGEX,
                        pattern = "io\\.firehosegateway\\.security\\.(Security|ApiKeys)Configuration"))
@Import(EventsControllerTests.Settings.class)
class EventsControllerTests {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    Pipeline pipeline;

    @MockitoBean
    EventMetadata metadata;

    @MockitoBean
    SchemaEnforcement schemas;

    @MockitoBean
    GatewayMetrics metrics;

    @MockitoBean
    IdempotencyKeys idempotencyKeys;

    @MockitoBean
    EventIdWindows eventIdWindows;

    /** The settings the controller and the chain read; a slice binds none of its own. */
    @TestConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties({ApiProperties.class, SecurityProperties.class, PipelineProperties.class})
    static class Settings {}

    @Test
    void aBodyOfAnotherMediaTypeIsAnUnsupportedMediaTypeProblem() throws Exception {
        mvc.perform(post("/events").contentType(MediaType.TEXT_HTML).content("{\"id\":\"a\"}"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/unsupported-media-type"))
                .andExpect(jsonPath("$.status").value(415));
    }

    @Test
    void anotherMethodOnTheEventsPathIsAMethodNotAllowedProblem() throws Exception {
        mvc.perform(get("/events"))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/method-not-allowed"));
    }

    @Test
    void aTextPlainBodyOfAnotherCharsetIsAnUnsupportedMediaTypeProblem() throws Exception {
        mvc.perform(post("/events").contentType("text/plain;charset=ISO-8859-1").content("{\"id\":\"a\"}"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/unsupported-media-type"));
    }

    /** A beacon's {@code text/plain} body meets the same checks as JSON's. */
    @ParameterizedTest
    @ValueSource(strings = {MediaType.APPLICATION_JSON_VALUE, "text/plain;charset=UTF-8"})
    void anIdsParameterOtherThanTrueOrFalseIsAnInvalidParameterProblem(String contentType) throws Exception {
        for (String ids : new String[] {"maybe", "on", "1", "", "TRUE"}) {
            mvc.perform(post("/events")
                            .queryParam("ids", ids)
                            .contentType(contentType)
                            .content("{\"id\":\"a\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("/problems/invalid-parameter"));
        }
    }
}
