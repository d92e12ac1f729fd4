package io.firehosegateway.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on what a request may hold; each is checked while the body is read, never after.
 *
 * @param maxRequestSize the largest body, counted after decompression
 * @param maxNestingDepth the deepest nesting of objects and arrays in an event
 * @param maxStringLength the longest string value or name, in characters
 * @param maxNumberLength the longest number, in characters
 * @param maxLineLength the longest NDJSON line, in bytes
 * @param listIdsUpTo a success answer lists the events' ids when the request has at most this many
 *     events, unless the client asks otherwise with {@code ?ids=true} or {@code ?ids=false}
 * @param bodyReadTimeout the longest a body may go without a byte arriving before it is cut with
 *     {@code 408} (Tomcat's connection timeout is set to it)
 * @param bodyReadDeadline the longest a whole body may take to arrive, so that one trickling in
 *     slowly is cut too
 */
@ConfigurationProperties("gateway.limits")
@Validated
public record ApiProperties(
        @DefaultValue("5MB") @NotNull DataSize maxRequestSize,
        @DefaultValue("64") @Min(2) @Max(1000) int maxNestingDepth,
        @DefaultValue("1048576") @Min(1) int maxStringLength,
        @DefaultValue("100") @Min(1) int maxNumberLength,
        @DefaultValue("1MB") @NotNull DataSize maxLineLength,
        @DefaultValue("1000") @Min(0) int listIdsUpTo,
        @DefaultValue("10s") @NotNull Duration bodyReadTimeout,
        @DefaultValue("60s") @NotNull Duration bodyReadDeadline) {}
