package io.firehosegateway.sink.aws;

import software.amazon.awssdk.http.SdkHttpResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The code and message of an AWS JSON protocol's error answer, read where the SDK's unmarshaller
 * reads them: the code from {@code x-amzn-ErrorType}, else from the body's {@code __type} or {@code
 * code}, each after a {@code #} and before a {@code :}; the message from {@code message}, {@code
 * Message} or {@code errorMessage}. A body that is not JSON (a proxy's page) gives neither, as with
 * the SDK. A service that keeps its query protocol's codes (SQS) names the code it reports in {@code
 * x-amzn-query-error}, while its exception's type still follows the JSON code.
 */
final class AwsJsonErrors {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * @param type the JSON error code, which picks the exception's type; or null
     * @param code the code the exception reports: {@code type}, or a query-compatible service's own
     * @param message the error message, or null
     */
    record Error(String type, String code, String message) {}

    private AwsJsonErrors() {}

    static Error read(SdkHttpResponse response, byte[] body, boolean queryCompatible) {
        String headerCode = response.firstMatchingHeader("x-amzn-ErrorType").orElse(null);
        String typeField = null;
        String codeField = null;
        String message = null;
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                    JsonToken value = parser.nextToken();
                    if (value != JsonToken.VALUE_STRING) {
                        parser.skipChildren();
                    } else if ("__type".equals(name)) {
                        typeField = parser.getString();
                    } else if ("code".equals(name)) {
                        codeField = parser.getString();
                    } else if (message == null
                            && ("message".equals(name) || "Message".equals(name) || "errorMessage".equals(name))) {
                        message = parser.getString();
                    }
                }
            }
        } catch (JacksonException notJson) {
            // What was read before the body stopped being JSON stands; the SDK reads none of a page either.
        }
        String type = code(headerCode != null ? headerCode : typeField != null ? typeField : codeField);
        String reported = type;
        if (queryCompatible) {
            String query = response.firstMatchingHeader("x-amzn-query-error").orElse("");
            if (!query.isEmpty()) {
                reported = query.split(";", 2)[0];
            }
        }
        return new Error(type, reported, message);
    }

    /** The code in a header's or field's value: after its first {@code #}, before its first {@code :}. */
    private static String code(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        int end = value.indexOf(':') >= 0 ? value.indexOf(':') : value.length();
        int start = value.indexOf('#') >= 0 ? value.indexOf('#') + 1 : 0;
        return start <= end ? value.substring(start, end) : value.substring(start);
    }
}
