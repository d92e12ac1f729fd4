package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.aws.AwsJsonRpcClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * One {@code PutRecords} call, built by the SDK's client or by the gateway itself ({@link
 * KinesisWire}, JSON protocol only): both answer with the SDK's response and fail with the SDK's
 * exceptions, so that {@link KinesisSink} and {@link KinesisRetryClassifier} read both alike.
 */
final class KinesisCalls implements AutoCloseable {

    private final KinesisAsyncClient client;
    private final AwsJsonRpcClient direct;
    private final Function<String, URI> endpoints;
    private final Map<String, URI> endpointByDestination = new ConcurrentHashMap<>();

    private KinesisCalls(KinesisAsyncClient client, AwsJsonRpcClient direct, Function<String, URI> endpoints) {
        this.client = client;
        this.direct = direct;
        this.endpoints = endpoints;
    }

    /** Calls the SDK's client builds. */
    static KinesisCalls sdk(KinesisAsyncClient client) {
        return new KinesisCalls(client, null, null);
    }

    /**
     * Calls the gateway builds and sends on {@code direct}, which it closes, each to the endpoint
     * {@code endpoints} resolves for its destination (a stream's ARN may pick its own), learned once.
     */
    static KinesisCalls direct(AwsJsonRpcClient direct, Function<String, URI> endpoints) {
        return new KinesisCalls(null, direct, endpoints);
    }

    CompletableFuture<PutRecordsResponse> putRecords(String destination, List<PutRecordsRequestEntry> entries) {
        if (direct != null) {
            return direct.call(
                    endpointByDestination.computeIfAbsent(destination, endpoints),
                    "PutRecords",
                    KinesisWire.putRecords(destination, entries),
                    KinesisWire::readAnswer);
        }
        PutRecordsRequest.Builder request = PutRecordsRequest.builder().records(entries);
        if (KinesisStreamDescriptions.isArn(destination)) {
            request.streamARN(destination);
        } else {
            request.streamName(destination);
        }
        return client.putRecords(request.build());
    }

    @Override
    public void close() {
        if (direct != null) {
            direct.close();
        }
    }
}
