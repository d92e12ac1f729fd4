package io.firehosegateway.sink.sqs;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the SQS client of its own; what every AWS client shares is
 * {@link io.firehosegateway.sink.aws.AwsProperties}.
 *
 * @param endpoint the SQS endpoint, overriding {@code AWS_ENDPOINT_URL_SQS}; for emulators
 */
@ConfigurationProperties("gateway.sqs")
public record SqsProperties(URI endpoint) {}
