package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosebench.FakeFirehose;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** The benchmark's fake speaks enough of Kinesis for the sink: a Kinesis row measures the gateway, not moto. */
class KinesisSinkBenchFakeTests {

    private static String stats(FakeFirehose fake) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(fake.endpoint().resolve("/stats"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void theBenchFakeTakesPutRecordsAndCountsPayloadUnits() throws Exception {
        try (FakeFirehose fake = new FakeFirehose(0)) {
            fake.start();
            try (KinesisAsyncClient client = KinesisProtocol.build(
                    false,
                    () -> KinesisAsyncClient.builder()
                            .endpointOverride(fake.endpoint())
                            .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                            .region(Region.US_EAST_1)
                            .credentialsProvider(
                                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                            .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                                    .apiCallAttemptTimeout(Duration.ofSeconds(10)))
                            .build())) {
                KinesisRetryClassifier classifier = new KinesisRetryClassifier();
                KinesisSink sink = new KinesisSink(
                        client,
                        classifier,
                        new KinesisStreamDescriptions(client, classifier),
                        10L * 1024 * 1024,
                        Duration.ofSeconds(21));
                StreamRoutes.Route route = new StreamRoutes.Route("bench", "bench-kinesis", SinkKind.KINESIS);
                List<SinkRecord> records = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    records.add(SinkRecord.of(("{\"n\":" + i + "}\n").getBytes(StandardCharsets.UTF_8), "id-" + i));
                }
                // 26 KiB: two 25 KiB payload units.
                records.add(SinkRecord.of(new byte[26 * 1024], "big"));

                assertThat(sink.limits(route).billingUnitBytes())
                        .isEqualTo(KinesisLimits.PROVISIONED_BILLING_UNIT_BYTES);
                BatchResult result = sink.putRecords(route, records).join();

                assertThat(result.failedCount()).isZero();
                assertThat(result.outcomes()).hasSize(301);
                assertThat(stats(fake))
                        .contains("\"PutRecords\":1")
                        .contains("\"bench-kinesis\":{\"calls\":1,\"records\":301,")
                        .contains("\"billedUnits\":302");
            }
        }
    }
}
