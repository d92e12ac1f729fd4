package io.firehosegateway.schema;

/**
 * One rule an event broke.
 *
 * @param pointer where in the event, as a JSON Pointer ({@code ""} is the event itself)
 * @param keyword the schema keyword that failed, such as {@code required} or {@code type}
 * @param message what is wrong, in words
 */
public record Violation(String pointer, String keyword, String message) {}
