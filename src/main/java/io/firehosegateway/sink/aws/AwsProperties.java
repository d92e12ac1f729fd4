package io.firehosegateway.sink.aws;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What every AWS client of the gateway shares. Credentials come from the default chain and each
 * service's endpoint from the standard {@code AWS_ENDPOINT_URL_<SERVICE>} variables; the region from
 * {@code AWS_REGION} unless set here.
 *
 * @param region the AWS region, overriding {@code AWS_REGION}
 * @param apiCallAttemptTimeout how long one call may take before it counts as an unknown outcome
 * @param connectionAcquisitionTimeout how long a call may wait for a pooled connection
 * @param ioThreads the HTTP client's I/O threads, one by default where Netty would start two per
 *     core: they only move bytes, TLS records and answers (calls are built on the pipeline's
 *     threads), and one thread wakes once for what several would each wake for. Raise it for many
 *     busy streams; {@code docs/benchmarks.md} has the measurement.
 */
@ConfigurationProperties("gateway.aws")
@Validated
public record AwsProperties(
        String region,
        @DefaultValue("5s") @NotNull Duration apiCallAttemptTimeout,
        @DefaultValue("10s") @NotNull Duration connectionAcquisitionTimeout,
        @DefaultValue("1") @Min(1) int ioThreads) {}
