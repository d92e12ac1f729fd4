package io.firehosegateway.api;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import org.springframework.context.annotation.Configuration;

/** What Swagger UI and {@code /v3/api-docs} say of the gateway. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info =
                @Info(
                        title = "firehose-gateway",
                        version = "v1",
                        description =
                                "HTTP events into Amazon Data Firehose: POST one JSON event, an array of events or"
                                        + " NDJSON; errors are application/problem+json. See the README for delivery guarantees."))
class OpenApiDocumentation {}
