package io.firehosegateway.api;

import io.firehosegateway.idempotency.IdempotencyProperties;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.net.URI;
import java.util.List;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.core.properties.SwaggerUiConfigParameters;
import org.springdoc.core.properties.SwaggerUiConfigProperties;
import org.springdoc.core.providers.SpringWebProvider;
import org.springdoc.webmvc.ui.SwaggerWelcomeWebMvc;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What Swagger UI and {@code /v3/api-docs} say of the gateway. Neither repeats the {@code Host} a
 * caller sent: the document names {@code gateway.public-url} as its server, or the relative root
 * when it is not set, and Swagger UI's OAuth2 redirect URL is under the public URL or left to the
 * browser.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocumentation {

    static final String BEARER = "bearer";
    static final String API_KEY = "apiKey";

    private final String publicUrl;

    OpenApiDocumentation(@Value("${gateway.public-url:}") String publicUrl) {
        this.publicUrl = publicUrl(publicUrl);
    }

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("firehose-gateway")
                        .version("v1")
                        .description("HTTP events into Amazon Data Firehose, Kinesis Data Streams or SQS: POST one JSON"
                                + " event, an array of events or NDJSON; errors are application/problem+json."
                                + " See docs/delivery.md for delivery guarantees."))
                .servers(List.of(new Server().url(publicUrl != null ? publicUrl : "/")))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API key as 'Authorization: Bearer <key>'"))
                        .addSecuritySchemes(
                                API_KEY,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.APIKEY)
                                        .in(SecurityScheme.In.HEADER)
                                        .name("X-API-Key")
                                        .description("The same API key as 'X-API-Key: <key>'")))
                // Either way of sending the key will do; an open gateway (no keys) ignores both.
                .security(
                        List.of(new SecurityRequirement().addList(BEARER), new SecurityRequirement().addList(API_KEY)));
    }

    @Bean
    IdempotencyKeyDocumentation idempotencyKeyDocumentation(IdempotencyProperties idempotency) {
        return new IdempotencyKeyDocumentation(idempotency.maxKeyLength());
    }

    /** Swagger UI's welcome endpoints, with the OAuth2 redirect URL taken from the public URL alone. */
    @Bean
    SwaggerWelcomeWebMvc swaggerWelcome(
            SwaggerUiConfigProperties swaggerUi,
            SpringDocConfigProperties springDoc,
            ObjectProvider<SpringWebProvider> web) {
        return new PublicUrlSwaggerWelcome(swaggerUi, springDoc, web, publicUrl);
    }

    /** The public URL without a trailing slash, or null when none is configured. */
    static String publicUrl(String configured) {
        if (configured == null || configured.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(configured.trim());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("gateway.public-url is not a URL: " + configured, e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalStateException(
                    "gateway.public-url must be an absolute http or https URL without query or fragment, not "
                            + configured);
        }
        String url = uri.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static final class PublicUrlSwaggerWelcome extends SwaggerWelcomeWebMvc {

        private final String publicUrl;

        PublicUrlSwaggerWelcome(
                SwaggerUiConfigProperties swaggerUi,
                SpringDocConfigProperties springDoc,
                ObjectProvider<SpringWebProvider> web,
                String publicUrl) {
            super(swaggerUi, springDoc, web);
            this.publicUrl = publicUrl;
        }

        /**
         * Springdoc builds this URL from the request, {@code Host} included. Without a public URL
         * the configuration has none, and Swagger UI derives it from the page's own address.
         */
        @Override
        protected void calculateOauth2RedirectUrl(
                SwaggerUiConfigParameters parameters, UriComponentsBuilder fromRequest) {
            if (publicUrl != null) {
                parameters.setOauth2RedirectUrl(publicUrl + parameters.getUiRootPath() + getOauth2RedirectUrl());
            }
        }
    }
}
