package io.firehosegateway.idempotency;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the {@code Idempotency-Key} header.
 *
 * @param ttl how long the answer to a request with a key is kept, from when it was given; the same
 *     key after that runs as a new request
 * @param maxKeyLength the longest key accepted, in characters; a longer one is refused with 400
 * @param requiredStreams the streams whose requests must carry a key; a request without one is
 *     refused with 400
 * @param store where the kept answers live
 * @param directory where the embedded store keeps its file ({@code idempotency.mv.db}), owned by
 *     one gateway at a time; keep it on a persistent volume, next to the journal
 * @param maxKeys the most keys the store keeps; when full, requests with a new key are refused with
 *     503 until older keys expire
 */
@ConfigurationProperties("gateway.idempotency")
@Validated
public record IdempotencyProperties(
        @DefaultValue("24h") @NotNull Duration ttl,
        @DefaultValue("255") @Min(1) @Max(4096) int maxKeyLength,
        @DefaultValue Set<String> requiredStreams,
        @DefaultValue("embedded") @NotNull StoreKind store,
        @DefaultValue("./idempotency") @NotNull Path directory,
        @DefaultValue("10000000") @Min(1) long maxKeys) {

    @AssertTrue(message = "ttl must be positive")
    boolean isTtlPositive() {
        return ttl == null || !(ttl.isNegative() || ttl.isZero());
    }

    /** Where the kept answers live. */
    public enum StoreKind {
        /** One local file, with no server to run: the keys of one gateway. */
        EMBEDDED
    }
}
