package io.firehosegateway.api;

import io.firehosegateway.idempotency.IdempotencyKeys;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * The {@code Idempotency-Key} header in the OpenAPI document, on both event endpoints: the header,
 * the replay header of a kept answer, and the {@code 409} and {@code 422} answers. Added to the
 * document here rather than as annotations, so the controller stays about requests.
 */
final class IdempotencyKeyDocumentation implements OpenApiCustomizer {

    static final List<String> PATHS = List.of("/events", "/streams/{stream}/events");

    private static final String PROBLEM_JSON = "application/problem+json";

    private final int maxKeyLength;

    IdempotencyKeyDocumentation(int maxKeyLength) {
        this.maxKeyLength = maxKeyLength;
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        for (String path : PATHS) {
            PathItem item = openApi.getPaths().get(path);
            if (item != null && item.getPost() != null) {
                document(item.getPost());
            }
        }
    }

    private void document(Operation post) {
        post.addParametersItem(new HeaderParameter()
                .name(IdempotencyKeys.HEADER)
                .required(false)
                .description("Runs the request once per key and API key (draft-ietf-httpapi-idempotency-key-header):"
                        + " the same key again gets the first answer, and nothing is sent again. A quoted string"
                        + " or a bare value of printable ASCII; required on the streams listed in"
                        + " gateway.idempotency.required-streams. See docs/idempotency.md")
                .schema(new StringSchema().minLength(1).maxLength(maxKeyLength + 2)));
        ApiResponses responses = post.getResponses() == null ? new ApiResponses() : post.getResponses();
        post.setResponses(responses);
        Header replayed = new Header()
                .description("true when the answer is the one kept for the request's Idempotency-Key: nothing was"
                        + " sent again")
                .schema(new StringSchema()._enum(List.of("true")));
        ApiResponse ok = responses.computeIfAbsent("200", status -> new ApiResponse().description("Delivered"));
        ok.addHeaderObject(IdempotencyKeys.REPLAYED, replayed);
        responses
                .computeIfAbsent(
                        "202",
                        status -> new ApiResponse()
                                .description("Accepted: journaled or buffered, as the delivery mode says")
                                .content(ok.getContent()))
                .addHeaderObject(IdempotencyKeys.REPLAYED, replayed);
        responses.addApiResponse(
                "409",
                problem("idempotency-key-in-use: a request with the same Idempotency-Key is still running;"
                                + " event-id-in-use: a running request carries an event id of this one. Retry after"
                                + " Retry-After")
                        .addHeaderObject(
                                "Retry-After",
                                new Header().description("Seconds to wait").schema(new StringSchema())));
        responses.addApiResponse(
                "422",
                problem("idempotency-key-reused: the Idempotency-Key was used with another body or stream;"
                        + " nothing was taken"));
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(new ObjectSchema())));
    }
}
