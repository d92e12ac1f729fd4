package io.firehosegateway.schema;

/** A schema that could not be read or compiled; the message names the file and the reason. */
public final class SchemaLoadException extends RuntimeException {

    SchemaLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    SchemaLoadException(String message) {
        super(message);
    }
}
