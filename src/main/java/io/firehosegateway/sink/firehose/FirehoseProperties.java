package io.firehosegateway.sink.firehose;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Firehose client of its own; what every AWS client shares is
 * {@link io.firehosegateway.sink.aws.AwsProperties}.
 *
 * @param endpoint the Firehose endpoint, overriding {@code AWS_ENDPOINT_URL_FIREHOSE}; for emulators
 */
@ConfigurationProperties("gateway.firehose")
public record FirehoseProperties(URI endpoint) {}
