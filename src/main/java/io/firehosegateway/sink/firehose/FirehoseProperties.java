package io.firehosegateway.sink.firehose;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the Firehose client. Region, endpoint and credentials come from the standard AWS
 * environment ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL_FIREHOSE}, the default credentials chain)
 * unless set here.
 *
 * @param region the AWS region, overriding {@code AWS_REGION}
 * @param endpoint the Firehose endpoint, overriding {@code AWS_ENDPOINT_URL_FIREHOSE}; for emulators
 * @param apiCallAttemptTimeout how long one call may take before it counts as an unknown outcome
 * @param connectionAcquisitionTimeout how long a call may wait for a pooled connection
 * @param ioThreads the HTTP client's I/O threads, one by default where Netty would start two per
 *     core: they only move bytes, TLS records and answers (calls are built on the pipeline's
 *     threads), and one thread wakes once for what several would each wake for. Raise it for many
 *     busy streams; {@code docs/benchmarks.md} has the measurement.
 */
@ConfigurationProperties("gateway.firehose")
@Validated
public record FirehoseProperties(
        String region,
        URI endpoint,
        @DefaultValue("5s") @NotNull Duration apiCallAttemptTimeout,
        @DefaultValue("10s") @NotNull Duration connectionAcquisitionTimeout,
        @DefaultValue("1") @Min(1) int ioThreads) {}
