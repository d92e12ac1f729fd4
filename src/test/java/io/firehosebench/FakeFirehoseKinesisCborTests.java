package io.firehosebench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bench fake speaks CBOR to a Kinesis client that speaks it (the SDK's default for Kinesis), so
 * that {@code bench/ab --sink kinesis-cbor} measures the gateway's CBOR path: the SDK's client
 * refuses a JSON answer to a CBOR call, and the fake counts what the call carried as it counts JSON.
 */
class FakeFirehoseKinesisCborTests {

    private FakeFirehose fake;
    private KinesisAsyncClient kinesis;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeFirehose(0);
        fake.start();
        kinesis = FakeKinesisClients.of(fake, true);
    }

    @AfterEach
    void stop() {
        kinesis.close();
        fake.close();
    }

    @Test
    void answersACborPutRecordsInCborAndCountsItsRecordsAndBytes() {
        List<PutRecordsRequestEntry> records = IntStream.range(0, 7)
                .mapToObj(i -> PutRecordsRequestEntry.builder()
                        .partitionKey("key-" + i)
                        .data(SdkBytes.fromString("{\"n\":" + i + ",\"text\":\"ünï\"}\n", StandardCharsets.UTF_8))
                        .build())
                .toList();
        long bytes =
                records.stream().mapToLong(r -> r.data().asByteArray().length).sum();

        PutRecordsResponse answer =
                kinesis.putRecords(r -> r.streamName("clicks").records(records)).join();

        assertThat(answer.failedRecordCount()).isZero();
        assertThat(answer.records())
                .hasSize(7)
                .allSatisfy(entry -> assertThat(entry.sequenceNumber()).isNotEmpty());
        JsonNode stream = JsonMapper.builder()
                .build()
                .readTree(fake.stats())
                .get("streams")
                .get("clicks");
        assertThat(stream.get("calls").asLong()).isEqualTo(1);
        assertThat(stream.get("records").asLong()).isEqualTo(7);
        assertThat(stream.get("bytes").asLong()).isEqualTo(bytes);
        assertThat(stream.get("billedUnits").asLong()).isEqualTo(7);
    }

    @Test
    void describesAStreamInCborAndCountsAStreamNamedByItsArn() {
        StreamDescriptionSummary summary = kinesis.describeStreamSummary(r -> r.streamName("clicks"))
                .join()
                .streamDescriptionSummary();
        assertThat(summary.streamName()).isEqualTo("clicks");

        kinesis.putRecords(r -> r.streamARN(summary.streamARN())
                        .records(PutRecordsRequestEntry.builder()
                                .partitionKey("k")
                                .data(SdkBytes.fromUtf8String("{}\n"))
                                .build()))
                .join();

        JsonNode streams = JsonMapper.builder().build().readTree(fake.stats()).get("streams");
        assertThat(streams.get(summary.streamARN()).get("records").asLong()).isEqualTo(1);
    }
}
