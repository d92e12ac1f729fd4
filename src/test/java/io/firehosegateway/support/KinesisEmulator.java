package io.firehosegateway.support;

import io.firehosegateway.sink.kinesis.KinesisProtocol;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Sets up Kinesis data streams on an emulator (moto speaks JSON only, so this client does too) and
 * reads back everything that landed, shard by shard, with {@code GetShardIterator} and
 * {@code GetRecords}: what a consumer would see.
 */
public final class KinesisEmulator implements AutoCloseable {

    public static final String REGION = FirehoseEmulator.REGION;
    public static final String ACCESS_KEY = FirehoseEmulator.ACCESS_KEY;
    public static final String SECRET_KEY = FirehoseEmulator.SECRET_KEY;

    /**
     * One record as a consumer reads it.
     *
     * @param shard the shard it landed in
     * @param sequenceNumber its place in the shard
     * @param partitionKey the key it was sent with
     * @param data its bytes, as UTF-8
     */
    public record Landed(String shard, String sequenceNumber, String partitionKey, String data) {}

    private final KinesisClient kinesis;

    public KinesisEmulator(URI endpoint) {
        this.kinesis = KinesisProtocol.build(
                false,
                () -> KinesisClient.builder()
                        .endpointOverride(endpoint)
                        .region(Region.of(REGION))
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                        .build());
    }

    /** Creates a provisioned stream of {@code shards} shards and waits until it is active. */
    public void createStream(String stream, int shards) {
        kinesis.createStream(request -> request.streamName(stream).shardCount(shards));
        Awaitility.await("stream " + stream + " active")
                .atMost(Duration.ofSeconds(30))
                .until(() -> kinesis.describeStreamSummary(request -> request.streamName(stream))
                                .streamDescriptionSummary()
                                .streamStatus()
                        == StreamStatus.ACTIVE);
    }

    /** The stream's ARN. */
    public String arn(String stream) {
        return kinesis.describeStreamSummary(request -> request.streamName(stream))
                .streamDescriptionSummary()
                .streamARN();
    }

    /** The ids of the stream's shards. */
    public List<String> shards(String stream) {
        return kinesis.listShards(request -> request.streamName(stream)).shards().stream()
                .map(Shard::shardId)
                .toList();
    }

    /** Every record in the stream, shard after shard, each shard's in order. */
    public List<Landed> records(String stream) {
        List<Landed> landed = new ArrayList<>();
        for (String shard : shards(stream)) {
            String iterator = kinesis.getShardIterator(request ->
                            request.streamName(stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = kinesis.getRecords(
                        request -> request.shardIterator(current).limit(10_000));
                for (Record record : response.records()) {
                    landed.add(new Landed(
                            shard,
                            record.sequenceNumber(),
                            record.partitionKey(),
                            record.data().asString(StandardCharsets.UTF_8)));
                }
                // An open shard always has a next iterator: stop at the end of what is there now.
                iterator = response.records().isEmpty() ? null : response.nextShardIterator();
            }
        }
        return landed;
    }

    /**
     * One shard's records as a consumer reads them, with the shard's range of hash keys.
     *
     * @param startingHashKey the shard's first hash key, in decimal
     * @param endingHashKey the shard's last hash key, in decimal
     * @param records its records in order, as Kinesis gave them
     */
    public record ShardRecords(String shard, String startingHashKey, String endingHashKey, List<Record> records) {}

    /** Every shard of the stream, closed ones too, each with its records in order. */
    public List<ShardRecords> shardRecords(String stream) {
        List<ShardRecords> all = new ArrayList<>();
        for (Shard shard :
                kinesis.listShards(request -> request.streamName(stream)).shards()) {
            List<Record> records = new ArrayList<>();
            String iterator = kinesis.getShardIterator(request -> request.streamName(stream)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = kinesis.getRecords(
                        request -> request.shardIterator(current).limit(10_000));
                records.addAll(response.records());
                iterator = response.records().isEmpty() ? null : response.nextShardIterator();
            }
            all.add(new ShardRecords(
                    shard.shardId(),
                    shard.hashKeyRange().startingHashKey(),
                    shard.hashKeyRange().endingHashKey(),
                    records));
        }
        return all;
    }

    /** Splits the stream's shard in two at {@code newStartingHashKey}, and waits until the stream is active. */
    public void splitShard(String stream, String shard, String newStartingHashKey) {
        kinesis.splitShard(
                request -> request.streamName(stream).shardToSplit(shard).newStartingHashKey(newStartingHashKey));
        Awaitility.await("stream " + stream + " active after the split")
                .atMost(Duration.ofSeconds(30))
                .until(() -> kinesis.describeStreamSummary(request -> request.streamName(stream))
                                .streamDescriptionSummary()
                                .streamStatus()
                        == StreamStatus.ACTIVE);
    }

    /** Every event that landed in the stream, one line each (a packed record holds several). */
    public List<String> lines(String stream) {
        List<String> lines = new ArrayList<>();
        for (Landed record : records(stream)) {
            for (String line : record.data().split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        kinesis.close();
    }
}
