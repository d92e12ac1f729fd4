package io.firehosegateway.idempotency;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
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
 *     503 until older keys expire (with DynamoDB, checked against the table's item count as
 *     DynamoDB reports it, about every six hours)
 * @param table the DynamoDB table of the kept answers, shared by every replica ({@code store:
 *     dynamodb}); its partition key is the string {@code key}, and its TTL attribute {@code ttl}
 * @param endpoint the DynamoDB endpoint, overriding {@code AWS_ENDPOINT_URL_DYNAMODB} (an emulator's)
 * @param claimLease how long a claim holds a key in DynamoDB without an answer: a replica that dies
 *     while its request runs blocks the key this long at most; longer than {@code
 *     gateway.delivery.timeout}, so a request still running never loses its key to a retry
 */
@ConfigurationProperties("gateway.idempotency")
@Validated
public record IdempotencyProperties(
        @DefaultValue("24h") @NotNull Duration ttl,
        @DefaultValue("255") @Min(1) @Max(4096) int maxKeyLength,
        @DefaultValue Set<String> requiredStreams,
        @DefaultValue("embedded") @NotNull StoreKind store,
        @DefaultValue("./idempotency") @NotNull Path directory,
        @DefaultValue("10000000") @Min(1) long maxKeys,

        @DefaultValue("firehose-gateway-idempotency") @NotBlank
        String table,

        URI endpoint,
        @DefaultValue("1m") @NotNull Duration claimLease) {

    @AssertTrue(message = "ttl must be positive")
    boolean isTtlPositive() {
        return ttl == null || !(ttl.isNegative() || ttl.isZero());
    }

    @AssertTrue(message = "claim-lease must be positive")
    boolean isClaimLeasePositive() {
        return claimLease == null || !(claimLease.isNegative() || claimLease.isZero());
    }

    /** Where the kept answers live. */
    public enum StoreKind {
        /** One local file, with no server to run: the keys of one gateway. */
        EMBEDDED,
        /** A DynamoDB table, with conditional writes: the keys of every replica that shares it. */
        DYNAMODB
    }
}
