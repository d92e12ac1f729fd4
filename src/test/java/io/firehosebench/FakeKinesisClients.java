package io.firehosebench;

import io.firehosegateway.sink.kinesis.KinesisProtocol;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** The real SDK's Kinesis client for the fake's tests, speaking CBOR or JSON. */
final class FakeKinesisClients {

    private FakeKinesisClients() {}

    static KinesisAsyncClient of(FakeFirehose fake, boolean cbor) {
        return KinesisProtocol.build(
                cbor,
                () -> KinesisAsyncClient.builder()
                        .endpointOverride(fake.endpoint())
                        .region(Region.US_EAST_1)
                        // The fake speaks HTTP/1.1 only, as the gateway's Kinesis client does.
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                        .build());
    }
}
