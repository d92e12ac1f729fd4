package io.firehosegateway.sink.aws;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who builds the data-plane calls of the AWS sinks; the control plane (describes, queue URLs, the
 * health checks) always goes through the SDK's clients.
 *
 * @param dataPlane {@code direct}: the gateway writes each call's JSON body itself, signs it with the
 *     SDK's SigV4 signer and reads only what it needs of the answer, on the same HTTP client;
 *     {@code sdk}: the SDK's client builds and reads the call, the former path. Firehose's
 *     {@code PutRecordBatch}, SQS's {@code SendMessageBatch} and Kinesis's {@code PutRecords} in its
 *     JSON protocol ({@code gateway.kinesis.cbor: false}) have a direct path; Kinesis in CBOR uses
 *     the SDK's either way.
 */
@ConfigurationProperties("gateway.aws")
@Validated
public record DataPlaneProperties(
        @DefaultValue("direct") @NotNull DataPlane dataPlane) {}
