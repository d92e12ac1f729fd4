package io.firehosegateway.sink.kinesis;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the Kinesis Data Streams client of its own; what every AWS client shares is
 * {@link io.firehosegateway.sink.aws.AwsProperties}.
 *
 * @param endpoint the Kinesis endpoint, overriding {@code AWS_ENDPOINT_URL_KINESIS}; for emulators
 * @param maxBytesPerCall the bytes of one {@code PutRecords} call, counted as Kinesis counts them
 *     (each record's data plus its partition key): 10 MiB as the API reference gives today; 5MB for
 *     moto and older regions, which still enforce the earlier figure
 * @param cbor whether the client speaks CBOR to Kinesis, as the SDK does by default; {@code false}
 *     for emulators that speak only JSON (moto). Unset: the SDK's JVM-wide switch
 *     ({@code -Daws.cborEnabled}, {@code CBOR_ENABLED}) decides
 */
@ConfigurationProperties("gateway.kinesis")
public record KinesisProperties(
        URI endpoint, @DefaultValue("10MB") DataSize maxBytesPerCall, Boolean cbor) {}
