package io.firehosegateway.sink.aws;

import software.amazon.awssdk.http.SdkHttpResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The code and message of an AWS JSON protocol's error answer, read where the SDK's unmarshaller
 * reads them: the code from {@code x-amzn-ErrorType} up to a {@code :}, else from the body's {@code
 * __type} after its last {@code #}; the message from {@code message}, {@code Message} or {@code
 * errorMessage}. A body that is not JSON (a proxy's page) gives neither, as with the SDK.
 */
final class AwsJsonErrors {

    /** Parsers of the small answers; one factory for all, as Jackson means it. */
    static final JsonFactory JSON = new JsonFactory();

    /**
     * @param code the error code, or null
     * @param message the error message, or null
     */
    record Error(String code, String message) {}

    private AwsJsonErrors() {}

    static Error read(SdkHttpResponse response, byte[] body) {
        String headerCode = response.firstMatchingHeader("x-amzn-ErrorType")
                .map(type -> type.contains(":") ? type.substring(0, type.indexOf(':')) : type)
                .orElse(null);
        String bodyCode = null;
        String message = null;
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                    JsonToken value = parser.nextToken();
                    if (value != JsonToken.VALUE_STRING) {
                        parser.skipChildren();
                    } else if ("__type".equals(name)) {
                        bodyCode = parser.getString();
                    } else if (message == null
                            && ("message".equals(name) || "Message".equals(name) || "errorMessage".equals(name))) {
                        message = parser.getString();
                    }
                }
            }
        } catch (JacksonException notJson) {
            // What was read before the body stopped being JSON stands, as the SDK keeps none of it either way.
        }
        String code = headerCode != null && !headerCode.isEmpty() ? headerCode : afterHash(bodyCode);
        return new Error(code, message);
    }

    private static String afterHash(String type) {
        return type == null ? null : type.substring(type.lastIndexOf('#') + 1);
    }
}
